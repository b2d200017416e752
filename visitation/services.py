"""Writes to visitation: before any write the rules are checked, and history is appended.

Child-level rows (før-henvisninger, henvisninger, afgørelser) are written only here, and every
write is logged in the access log (who, when, which row; never the content). A case number
is turned into its pseudonymous key at once and never stored.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from omstilling.append_only import retention_deletes
from omstilling.bounds import NAME_LENGTH, case_date_window, check_date
from omstilling.cache import Family, bump
from omstilling.models import AccessLog, Institution, User
from omstilling.privacy import case_key_from_number, screen_free_text
from omstilling.quarters import Quarter
from omstilling.services import access_log_record
from visitation.models import (
    GENERAL_KINDS,
    SCHOOL_START_AGE_GROUPS,
    CountImport,
    Decision,
    DecisionKind,
    KpiIndicator,
    KpiTarget,
    PreReferral,
    PreReferralOutcome,
    PreReferralOutcomeChange,
    Referral,
    ReferralMonthStats,
    SpecialOfferCount,
)
from visitation.selectors import live_referral_month_figures

RETENTION_PATH = "celery:visitation.purge_closed_cases"


def _first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _check_date(errors: dict, field: str, day: dt.date | None) -> None:
    """A case's date lies in the case window (2000 until today) and not in a month whose
    figures are frozen."""
    if day is None:
        return
    check_date(day, case_date_window(), field=field, errors=errors)
    if field in errors:
        return
    if ReferralMonthStats.objects.filter(month=_first_of_month(day)).exists():
        errors[field] = _(
            "Måneden er afsluttet: dens sager er slettet efter reglerne om opbevaring, og kun "
            "tallene er gemt. Der kan ikke registreres sager i den."
        )


def _check_institution(errors: dict, institution: Institution) -> None:
    if institution.kind not in GENERAL_KINDS:
        errors["institution"] = _("Vælg barnets dagtilbud eller distriktsskole.")


def _log(user: User, action: str, obj, path: str) -> None:
    access_log_record(user=user, action=action, obj=obj, path=path)


@transaction.atomic
def pre_referral_record(
    *,
    by: User,
    case_number: str,
    institution: Institution,
    age_group: str,
    held_on: dt.date,
    led_by: str,
    outcome: str = PreReferralOutcome.PENDING,
    outcome_on: dt.date | None = None,
    path: str = "",
) -> PreReferral:
    """Record a før-henvisning (and its outcome if it is known already)."""
    errors: dict = {}
    key = None
    try:
        key = case_key_from_number(case_number)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    _check_institution(errors, institution)
    _check_date(errors, "held_on", held_on)
    if outcome != PreReferralOutcome.PENDING:
        outcome_on = outcome_on or held_on
        _check_date(errors, "outcome_on", outcome_on)
        if outcome_on < held_on:
            errors["outcome_on"] = _("Udfaldet kan ikke være kendt før før-henvisningen.")
    else:
        outcome_on = None
    if errors:
        raise ValidationError(errors)
    pre_referral = PreReferral(
        institution=institution,
        age_group=age_group,
        case_key=key,
        held_on=held_on,
        led_by=led_by,
        outcome=outcome,
        outcome_on=outcome_on,
        recorded_by=by,
    )
    pre_referral.full_clean()
    pre_referral.save()
    PreReferralOutcomeChange.objects.create(
        pre_referral=pre_referral, outcome=outcome, outcome_on=outcome_on, recorded_by=by
    )
    _log(by, AccessLog.Action.CREATE, pre_referral, path)
    return pre_referral


@transaction.atomic
def pre_referral_set_outcome(
    *,
    pre_referral: PreReferral,
    by: User,
    outcome: str,
    outcome_on: dt.date | None,
    path: str = "",
) -> PreReferral:
    """Record (or correct) a før-henvisning's outcome; the change is kept as history."""
    locked = PreReferral.objects.select_for_update().get(pk=pre_referral.pk)
    errors: dict = {}
    if outcome == PreReferralOutcome.PENDING:
        outcome_on = None
    elif outcome_on is None:
        errors["outcome_on"] = _("Angiv datoen, hvor udfaldet blev kendt.")
    else:
        _check_date(errors, "outcome_on", outcome_on)
        if outcome_on < locked.held_on:
            errors["outcome_on"] = _("Udfaldet kan ikke være kendt før før-henvisningen.")
    if outcome == PreReferralOutcome.PENDING and locked.referrals.exists():
        errors["outcome"] = _("Der er registreret en henvisning efter denne før-henvisning.")
    if errors:
        raise ValidationError(errors)
    locked.outcome = outcome
    locked.outcome_on = outcome_on
    locked.save(update_fields=["outcome", "outcome_on"])
    PreReferralOutcomeChange.objects.create(
        pre_referral=locked, outcome=outcome, outcome_on=outcome_on, recorded_by=by
    )
    _log(by, AccessLog.Action.UPDATE, locked, path)
    pre_referral.outcome, pre_referral.outcome_on = outcome, outcome_on
    return locked


@transaction.atomic
def referral_record(
    *,
    by: User,
    case_number: str,
    institution: Institution,
    age_group: str,
    received_on: dt.date,
    pre_referral_held_elsewhere: bool = False,
    path: str = "",
) -> Referral:
    """Record a henvisning to the visitation committee.

    The newest før-henvisning of the same case held on or before the day the referral was
    received is linked to it (and its outcome set to "gik videre til henvisning" if it was
    still open). `pre_referral_held_elsewhere` says a før-henvisning was held that is not
    recorded in the portal.
    """
    errors: dict = {}
    key = None
    try:
        key = case_key_from_number(case_number)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    _check_institution(errors, institution)
    _check_date(errors, "received_on", received_on)
    if errors:
        raise ValidationError(errors)
    pre_referral = (
        PreReferral.objects.select_for_update()
        .filter(case_key=key, held_on__lte=received_on)
        .order_by("-held_on", "-pk")
        .first()
    )
    referral = Referral(
        institution=institution,
        age_group=age_group,
        case_key=key,
        received_on=received_on,
        pre_referral=pre_referral,
        preceded_by_pre_referral=bool(pre_referral) or pre_referral_held_elsewhere,
        recorded_by=by,
    )
    referral.full_clean()
    referral.save()
    _log(by, AccessLog.Action.CREATE, referral, path)
    if pre_referral and pre_referral.outcome == PreReferralOutcome.PENDING:
        pre_referral_set_outcome(
            pre_referral=pre_referral,
            by=by,
            outcome=PreReferralOutcome.REFERRED,
            outcome_on=received_on,
            path=path,
        )
    return referral


@transaction.atomic
def referral_decide(
    *,
    referral: Referral,
    by: User,
    decided_on: dt.date,
    decision: str,
    special_offer_type: str = "",
    school_start_direct: bool = False,
    note: str = "",
    path: str = "",
) -> Decision:
    """Record the committee's decision on a referral, or correct an earlier one.

    Every decision is a new Decision row; the referral shows the newest.
    """
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    errors: dict = {}
    _check_date(errors, "decided_on", decided_on)
    if decided_on < locked.received_on:
        errors["decided_on"] = _("Afgørelsen kan ikke ligge før henvisningen blev modtaget.")
    if decision == DecisionKind.SPECIAL_OFFER:
        if not special_offer_type:
            errors["special_offer_type"] = _("Vælg typen af specialtilbud.")
        if school_start_direct and locked.age_group not in SCHOOL_START_AGE_GROUPS:
            errors["school_start_direct"] = _(
                "Skolestart kan kun angives for børn i børnehave eller 0. klasse."
            )
    else:
        special_offer_type = ""
        school_start_direct = False
    try:
        screen_free_text(note)
    except ValidationError as exc:
        errors["note"] = exc.messages
    if errors:
        raise ValidationError(errors)
    entry = Decision.objects.create(
        referral=locked,
        decided_on=decided_on,
        decision=decision,
        special_offer_type=special_offer_type,
        school_start_direct=school_start_direct,
        note=note.strip(),
        recorded_by=by,
    )
    locked.decided_on = decided_on
    locked.decision = decision
    locked.special_offer_type = special_offer_type
    locked.school_start_direct = school_start_direct
    locked.save(
        update_fields=["decided_on", "decision", "special_offer_type", "school_start_direct"]
    )
    _log(by, AccessLog.Action.UPDATE, locked, path)
    return entry


# --- quarterly counts ------------------------------------------------------------------------


@dataclass(frozen=True)
class CountRow:
    """One validated row of a counts file."""

    institution: Institution
    quarter: Quarter
    level: str
    children_in_special_offers: int
    district_pupils: int | None


@transaction.atomic
def special_offer_counts_replace(
    *, by: User, rows: Iterable[CountRow], file_name: str
) -> CountImport:
    """Store a file's counts. Each quarter in the file replaces that quarter's counts whole.

    Rows for institutions that are not in the file are removed for those quarters too: the
    file is the municipality's full count for its quarters.
    """
    rows = list(rows)
    quarters = sorted({row.quarter for row in rows})
    if not rows:
        raise ValidationError(_("Filen indeholder ingen rækker med tal."))
    existing = SpecialOfferCount.objects.filter(quarter__in=[q.first_day for q in quarters])
    replaced, _by_model = existing.delete()
    batch = CountImport.objects.create(
        file_name=file_name[:NAME_LENGTH],
        quarters=[q.code for q in quarters],
        rows=len(rows),
        replaced_rows=replaced,
        imported_by=by,
    )
    counts = [
        SpecialOfferCount(
            institution=row.institution,
            quarter=row.quarter.first_day,
            level=row.level,
            children_in_special_offers=row.children_in_special_offers,
            district_pupils=row.district_pupils,
            source=batch,
        )
        for row in rows
    ]
    for count in counts:
        count.full_clean(exclude=["source"], validate_unique=False, validate_constraints=False)
    SpecialOfferCount.objects.bulk_create(counts)
    bump(Family.OUTCOMES)  # bulk_create sends no signal
    return batch


# --- KPI targets -----------------------------------------------------------------------------


@transaction.atomic
def kpi_targets_set(
    *,
    by: User,
    indicator: str,
    values: dict[dt.date, tuple[Decimal | None, Decimal | None]],
    note: str = "",
) -> int:
    """Set an indicator's target and baseline per quarter; a quarter with neither is cleared.

    Changes are kept by django-simple-history. Returns the number of quarters with values.
    """
    if indicator not in KpiIndicator.values:
        raise ValidationError(_("Ukendt nøgletal."))
    try:
        screen_free_text(note)
    except ValidationError as exc:
        raise ValidationError({"note": exc.messages}) from exc
    kept = 0
    for quarter, (target, baseline) in sorted(values.items()):
        existing = KpiTarget.objects.filter(indicator=indicator, quarter=quarter).first()
        if target is None and baseline is None:
            if existing:
                existing._history_user = by
                existing.delete()
            continue
        kept += 1
        if existing and (existing.target, existing.baseline) == (target, baseline):
            continue
        row = existing or KpiTarget(indicator=indicator, quarter=quarter)
        row.target, row.baseline, row.note, row.set_by = target, baseline, note.strip(), by
        row._history_user = by
        row.full_clean()
        row.save()
    return kept


# --- retention -------------------------------------------------------------------------------


def retention_cutoff(*, today: dt.date, months: int) -> dt.date:
    """`months` calendar months before `today` (the 31st becomes the month's last day)."""
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in (today.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@retention_deletes()
def child_rows_purge(*, cutoff: dt.date) -> dict[str, int]:
    """Delete før-henvisninger and henvisninger closed before `cutoff`; keep their figures.

    Before the first row of a month is deleted, the month's KPI counts (over all of the
    month's rows) are frozen in ReferralMonthStats. Running it twice deletes nothing more.
    The retention job is the one path that may delete history (`retention_deletes`): a
    case's decisions and outcome changes go with it, explicitly, as no foreign key cascades.
    """
    referrals = Referral.objects.filter(decided_on__lt=cutoff)
    pre_referrals = PreReferral.objects.filter(outcome_on__lt=cutoff).exclude(
        outcome=PreReferralOutcome.PENDING
    )
    months: set[dt.date] = set()
    for received_on, decided_on in referrals.values_list("received_on", "decided_on"):
        months.update({_first_of_month(received_on), _first_of_month(decided_on)})
    for held_on in pre_referrals.values_list("held_on", flat=True):
        months.add(_first_of_month(held_on))
    months -= set(ReferralMonthStats.objects.values_list("month", flat=True))
    if months:
        figures = live_referral_month_figures(months=months)
        ReferralMonthStats.objects.bulk_create(
            [ReferralMonthStats(month=month, **figures.get(month, {})) for month in sorted(months)]
        )
    deleted = {"referrals": 0, "pre_referrals": 0}
    history = {
        "referrals": (Decision, "referral"),
        "pre_referrals": (PreReferralOutcomeChange, "pre_referral"),
    }
    for name, queryset in (("referrals", referrals), ("pre_referrals", pre_referrals)):
        model, parent = history[name]
        model.objects.filter(**{f"{parent}__in": queryset}).delete()
        for pk in queryset.values_list("pk", flat=True):
            access_log_record(
                user=None,
                action=AccessLog.Action.DELETE,
                model=queryset.model._meta.label,
                object_id=str(pk),
                path=RETENTION_PATH,
            )
        deleted[name] = queryset.delete()[1].get(queryset.model._meta.label, 0)
    deleted["frozen_months"] = len(months)
    return deleted
