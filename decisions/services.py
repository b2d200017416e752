"""Recording the committee's decisions: a new decision, or a correction of one (a new row)."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from decisions.models import Decision, DecisionBody
from investments.models import Investment
from omstilling.bounds import check_date, plan_date_window
from omstilling.models import Plan, User
from tracks.models import Initiative, Recommendation


class DecisionAlreadyCorrected(Exception):
    """Someone else corrected the same decision first; the form is shown again."""

    def __init__(self, decision: Decision):
        super().__init__(decision.pk)
        self.decision = decision


def _check_links(
    plan: Plan,
    initiatives: list[Initiative],
    investments: list[Investment],
    recommendations: list[Recommendation],
    errors: dict,
) -> None:
    if any(i.plan_id != plan.pk for i in initiatives):
        errors["initiatives"] = _("Vælg tiltag fra planen.")
    if any(i.plan_id != plan.pk for i in investments):
        errors["investments"] = _("Vælg investeringer fra planens pulje.")
    if any(r.theme.plan_id != plan.pk for r in recommendations):
        errors["recommendations"] = _("Vælg anbefalinger fra planen.")


@transaction.atomic
def decision_record(
    *,
    plan: Plan,
    by: User,
    body: str,
    meeting_date: dt.date,
    case_number: str,
    title: str,
    text: str,
    initiatives: Iterable[Initiative] = (),
    investments: Iterable[Investment] = (),
    recommendations: Iterable[Recommendation] = (),
    corrects: Decision | None = None,
) -> Decision:
    """Record a decision of the committee (or of the approving body) in `plan`'s register.

    With `corrects`, the new row restates that decision as it should read and takes its place
    in the register; the corrected row is kept as history. A decision is corrected once: a
    second correction of the same row raises DecisionAlreadyCorrected (correct the newer one).
    """
    initiatives, investments = list(initiatives), list(investments)
    recommendations = list(recommendations)
    errors: dict = {}
    if body not in DecisionBody.values:
        errors["body"] = _("Vælg, hvem der har truffet beslutningen.")
    elif body == DecisionBody.APPROVING_BODY and not plan.names.has_approving_body:
        errors["body"] = _("Planen har intet andet organ, der godkender investeringer.")
    check_date(
        meeting_date, plan_date_window(plan, past_only=True), field="meeting_date", errors=errors
    )
    _check_links(plan, initiatives, investments, recommendations, errors)
    if corrects is not None and corrects.plan_id != plan.pk:
        errors["__all__"] = _("Beslutningen hører til en anden plan.")
    if errors:
        raise ValidationError(errors)
    if corrects is not None:
        # Lock the row being corrected: two corrections at once, the second is told.
        locked = Decision.objects.select_for_update().get(pk=corrects.pk)
        if Decision.objects.filter(corrects=locked).exists():
            raise DecisionAlreadyCorrected(locked)
    decision = Decision(
        plan=plan,
        body=body,
        meeting_date=meeting_date,
        case_number=case_number.strip(),
        title=title.strip(),
        text=text.strip(),
        corrects=corrects,
        by=by,
    )
    decision.full_clean(exclude=["plan", "by", "corrects"])
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError as exc:  # the one-to-one: a correction saved meanwhile
        raise DecisionAlreadyCorrected(corrects) from exc
    decision.initiatives.set(initiatives)
    decision.investments.set(investments)
    decision.recommendations.set(recommendations)
    return decision
