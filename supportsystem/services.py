"""Writes to the support system: the directory and the forløb of forløbscirklen.

A forløb moves only forward through forløbscirklen; going back (or opening a closed forløb
again) is an explicit re-opening with a reason. Every change appends a Transition and an entry
in the access log (who, which row, which action; never the content).
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from omstilling.append_only import retention_deletes
from omstilling.bounds import case_date_window, check_date
from omstilling.models import AccessLog, Area, Institution, User
from omstilling.privacy import case_key_from_number, screen_free_text
from omstilling.services import access_log_record
from supportsystem.models import (
    AgeGroup,
    ConcernType,
    Forloeb,
    Stage,
    SupportActor,
    Transition,
)

_DUPLICATE = gettext_lazy(
    "Der er allerede et åbent forløb for dette sagsnummer på institutionen. "
    "Find det i listen over forløb i stedet for at oprette et nyt."
)


def support_actor_create(
    *,
    slug: str,
    name: str,
    kind: str,
    area: Area | None = None,
    institution: Institution | None = None,
    description: str = "",
    competences: Iterable[str] = (),
    contact: str = "",
    order: int = 0,
) -> SupportActor:
    """Add an actor to the directory (the plan file's actors are loaded by plan_sections)."""
    actor = SupportActor(
        slug=slug,
        name=name,
        kind=kind,
        area=area,
        institution=institution,
        description=description,
        competences="\n".join(c.strip() for c in competences if c.strip()),
        contact=contact,
        order=order,
    )
    actor.full_clean()
    actor.save()
    return actor


def first_stage() -> Stage | None:
    """Where every forløb starts: the first active, non-closing stage (bekymring)."""
    return Stage.objects.filter(active=True, closing=False).order_by("order", "pk").first()


def _check_note(field: str, text: str, errors: dict) -> str:
    text = (text or "").strip()
    try:
        screen_free_text(text)
    except ValidationError as exc:
        errors[field] = exc.messages
    return text


def _check_date(
    on: dt.date | None, *, not_before: dt.date | None, errors: dict, field: str = "on"
) -> None:
    if on is None:
        errors[field] = _("Angiv en dato.")
        return
    check_date(on, case_date_window(), field=field, errors=errors)
    if field in errors:
        return
    if not_before is not None and on < not_before:
        errors[field] = _("Datoen må ikke ligge før forløbets seneste skridt (%(date)s).") % {
            "date": date_format(not_before, "DATE_FORMAT")
        }


def _locked(forloeb: Forloeb) -> tuple[Forloeb, dt.date]:
    """The forløb, locked for the change, and the date of its latest step."""
    locked = Forloeb.objects.select_for_update().select_related("current_stage").get(pk=forloeb.pk)
    last = locked.transitions.order_by("-on", "-pk").values_list("on", flat=True).first()
    return locked, last or locked.opened_on


def _step(
    *,
    forloeb: Forloeb,
    by: User,
    kind: str,
    from_stage: Stage | None,
    to_stage: Stage,
    on: dt.date,
    note: str,
    action: str,
) -> Transition:
    step = Transition.objects.create(
        forloeb=forloeb,
        kind=kind,
        from_stage=from_stage,
        to_stage=to_stage,
        on=on,
        by=by,
        note=note,
    )
    access_log_record(user=by, action=action, obj=forloeb)
    return step


def _refresh(target: Forloeb, source: Forloeb) -> None:
    for name in ("current_stage", "closed_on", "outcome"):
        setattr(target, name, getattr(source, name))


@transaction.atomic
def forloeb_open(
    *,
    institution: Institution,
    by: User,
    concern_type: str,
    opened_on: dt.date,
    case_number: str = "",
    label: str = "",
    age_group: str = "",
    note: str = "",
) -> Forloeb:
    """Open a forløb at forløbscirklen's first stage (bekymring).

    For a child, `case_number` (from the municipality's case system) is turned into its
    pseudonymous key here and then forgotten: only the key is stored. Communities and learning
    environments have no case number; they may have a short label such as a class or a group.
    """
    errors: dict = {}
    key = ""
    case_number = (case_number or "").strip()
    label = _check_note("label", label, errors)
    note = _check_note("note", note, errors)
    if concern_type not in ConcernType.values:
        errors["concern_type"] = _("Vælg, hvad bekymringen gælder.")
    elif concern_type == ConcernType.BARN:
        if not case_number:
            errors["case_number"] = _(
                "Angiv sagsnummeret fra kommunens sagssystem, når bekymringen gælder et barn "
                "eller en ung."
            )
        else:
            try:
                key = case_key_from_number(case_number)
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if label:
            errors["label"] = _(
                "Et barns forløb har ingen betegnelse: det kendes kun på sagsnummeret."
            )
    elif case_number:
        errors["case_number"] = _(
            "Sagsnummeret bruges kun, når bekymringen gælder et barn eller en ung."
        )
    if age_group and age_group not in AgeGroup.values:
        errors["age_group"] = _("Vælg en aldersgruppe eller et klassetrin fra listen.")
    _check_date(opened_on, not_before=None, errors=errors, field="opened_on")
    stage = first_stage()
    if stage is None:
        errors[NON_FIELD_ERRORS] = _(
            "Forløbscirklen er ikke indlæst endnu (planfilens afsnit forloebscirkel)."
        )
    if key and not errors:
        already = Forloeb.objects.filter(
            institution=institution, case_key=key, closed_on__isnull=True
        ).exists()
        if already:
            errors["case_number"] = _DUPLICATE
    if errors:
        raise ValidationError(errors)

    try:
        with transaction.atomic():
            forloeb = Forloeb.objects.create(
                institution=institution,
                concern_type=concern_type,
                case_key=key,
                label=label,
                age_group=age_group,
                current_stage=stage,
                opened_on=opened_on,
            )
    except IntegrityError as exc:
        # Someone opened the same child's forløb at the same moment (one open per child).
        raise ValidationError({"case_number": _DUPLICATE}) from exc
    _step(
        forloeb=forloeb,
        by=by,
        kind=Transition.Kind.OPEN,
        from_stage=None,
        to_stage=stage,
        on=opened_on,
        note=note,
        action=AccessLog.Action.CREATE,
    )
    return forloeb


@transaction.atomic
def forloeb_move(
    *, forloeb: Forloeb, by: User, to_stage: Stage, on: dt.date, note: str = ""
) -> Transition:
    """Move an open forløb forward to a later, non-closing stage of forløbscirklen."""
    locked, last = _locked(forloeb)
    errors: dict = {}
    note = _check_note("note", note, errors)
    if locked.is_closed:
        errors["to_stage"] = _("Forløbet er afsluttet. Genåbn det for at arbejde videre.")
    elif to_stage.closing:
        errors["to_stage"] = _("Brug “Afslut forløbet” for at afslutte forløbet.")
    elif not to_stage.active:
        errors["to_stage"] = _("Trinnet indgår ikke længere i forløbscirklen.")
    elif to_stage.order <= locked.current_stage.order:
        errors["to_stage"] = _(
            "Et forløb kan kun flyttes frem i forløbscirklen. Vil I tilbage til et tidligere "
            "trin, så genåbn forløbet på det trin og skriv hvorfor."
        )
    _check_date(on, not_before=last, errors=errors)
    if errors:
        raise ValidationError(errors)

    from_stage = locked.current_stage
    locked.current_stage = to_stage
    locked.save(update_fields=["current_stage"])
    _refresh(forloeb, locked)
    return _step(
        forloeb=locked,
        by=by,
        kind=Transition.Kind.MOVE,
        from_stage=from_stage,
        to_stage=to_stage,
        on=on,
        note=note,
        action=AccessLog.Action.UPDATE,
    )


@transaction.atomic
def forloeb_close(
    *, forloeb: Forloeb, by: User, to_stage: Stage, on: dt.date, note: str = ""
) -> Transition:
    """Close an open forløb in one of forløbscirklen's closing stages (its outcome)."""
    locked, last = _locked(forloeb)
    errors: dict = {}
    note = _check_note("note", note, errors)
    if locked.is_closed:
        errors["to_stage"] = _("Forløbet er allerede afsluttet.")
    elif not to_stage.closing:
        errors["to_stage"] = _(
            "Et forløb afsluttes i et af de afsluttende trin, fx “afsluttet i almentilbud”."
        )
    elif not to_stage.active:
        errors["to_stage"] = _("Trinnet indgår ikke længere i forløbscirklen.")
    _check_date(on, not_before=last, errors=errors)
    if errors:
        raise ValidationError(errors)

    from_stage = locked.current_stage
    locked.current_stage = to_stage
    locked.outcome = to_stage
    locked.closed_on = on
    locked.save(update_fields=["current_stage", "outcome", "closed_on"])
    _refresh(forloeb, locked)
    return _step(
        forloeb=locked,
        by=by,
        kind=Transition.Kind.CLOSE,
        from_stage=from_stage,
        to_stage=to_stage,
        on=on,
        note=note,
        action=AccessLog.Action.UPDATE,
    )


@transaction.atomic
def forloeb_reopen(
    *, forloeb: Forloeb, by: User, to_stage: Stage, on: dt.date, reason: str
) -> Transition:
    """Re-open a forløb explicitly, with a reason: a closed one at any open stage, or an open one
    at an earlier stage (a new round of the circle). The only way a forløb goes back.
    """
    locked, last = _locked(forloeb)
    errors: dict = {}
    reason = _check_note("reason", reason, errors)
    if not reason and "reason" not in errors:
        errors["reason"] = _("Skriv kort, hvorfor forløbet genåbnes.")
    if to_stage.closing or not to_stage.active:
        errors["to_stage"] = _("Vælg et trin i forløbscirklen, som forløbet skal genåbnes på.")
    elif not locked.is_closed and to_stage.order >= locked.current_stage.order:
        errors["to_stage"] = _(
            "Forløbet er åbent: vælg et tidligere trin, eller flyt det frem som sædvanligt."
        )
    if (
        locked.is_closed
        and locked.case_key
        and Forloeb.objects.filter(
            institution_id=locked.institution_id, case_key=locked.case_key, closed_on__isnull=True
        ).exists()
    ):
        errors[NON_FIELD_ERRORS] = _(
            "Der er allerede et andet åbent forløb for samme sagsnummer på institutionen."
        )
    _check_date(on, not_before=last, errors=errors)
    if errors:
        raise ValidationError(errors)

    from_stage = locked.current_stage
    locked.current_stage = to_stage
    locked.outcome = None
    locked.closed_on = None
    locked.save(update_fields=["current_stage", "outcome", "closed_on"])
    _refresh(forloeb, locked)
    return _step(
        forloeb=locked,
        by=by,
        kind=Transition.Kind.REOPEN,
        from_stage=from_stage,
        to_stage=to_stage,
        on=on,
        note=reason,
        action=AccessLog.Action.UPDATE,
    )


@retention_deletes()
def forloeb_purge_closed_before(*, cutoff: dt.date) -> int:
    """Delete forløb closed before `cutoff`, with their history; return how many.

    Called by the retention job, the one path that may delete history (the database allows
    it inside `retention_deletes`). Each deletion is logged (no user: the system did it).
    Aggregates computed earlier are unaffected; nothing else refers to a forløb.
    """
    doomed = Forloeb.objects.filter(closed_on__lt=cutoff)
    pks = list(doomed.values_list("pk", flat=True))
    for pk in pks:
        access_log_record(
            user=None,
            action=AccessLog.Action.DELETE,
            model=Forloeb._meta.label,
            object_id=str(pk),
        )
    Transition.objects.filter(forloeb__closed_on__lt=cutoff).delete()
    doomed.delete()
    return len(pks)
