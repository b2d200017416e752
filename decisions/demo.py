"""Demo decisions, written through the service: the committee's mandate for the plan, its
treatment of the first investments and (when the plan names one) the approving body's
approval, one corrected registration. Case numbers are plainly marked as demo ones."""

import datetime as dt

from decisions.models import DecisionBody
from decisions.services import decision_record
from investments.models import Investment
from omstilling.bounds import plan_date_window
from omstilling.demo import register_demo_seeder
from omstilling.models import Institution, Plan, User
from tracks.models import Initiative, Recommendation


def _within(day: dt.date, first: dt.date, last: dt.date) -> dt.date:
    return min(max(day, first), last)


@register_demo_seeder
def seed_decisions_demo(
    *, users: dict[str, User], institutions: dict[str, Institution], today: dt.date
) -> None:
    plan = Plan.objects.current()
    if plan is None:
        return
    first, last = plan_date_window(plan, past_only=True, today=today)
    if first > last:
        return  # the plan begins after today: nothing decided yet
    chef = users["chefgruppe"]
    initiatives = list(Initiative.objects.filter(plan=plan).order_by("spor__number", "order")[:3])
    recommendations = list(Recommendation.objects.filter(theme__plan=plan)[:2])
    investments = list(Investment.objects.filter(plan=plan).order_by("pk")[:2])
    names = plan.names

    mandate = decision_record(
        plan=plan,
        by=chef,
        body=DecisionBody.COMMITTEE,
        meeting_date=_within(plan.start_quarter, first, last),
        case_number="DEMO sag 1",
        title="Mandat til omstillingen",
        text=f"{names.committee} godkendte planens mandat og bad om en status hvert kvartal.",
        initiatives=initiatives,
        recommendations=recommendations,
    )
    decision_record(
        plan=plan,
        by=chef,
        body=DecisionBody.COMMITTEE,
        meeting_date=mandate.meeting_date,
        case_number="DEMO sag 1",
        title="Mandat til omstillingen",
        text=(
            f"{names.committee} godkendte planens mandat og bad om en status hvert kvartal "
            "og en årlig evaluering."
        ),
        initiatives=initiatives,
        recommendations=recommendations,
        corrects=mandate,
    )
    if not investments:
        return
    treated = decision_record(
        plan=plan,
        by=chef,
        body=DecisionBody.COMMITTEE,
        meeting_date=_within(today - dt.timedelta(days=60), first, last),
        case_number="DEMO sag 2",
        title="Investeringer fra puljen behandlet",
        text=f"{names.committee} anbefalede investeringerne.",
        investments=investments,
    )
    if names.has_approving_body:
        decision_record(
            plan=plan,
            by=chef,
            body=DecisionBody.APPROVING_BODY,
            meeting_date=_within(treated.meeting_date + dt.timedelta(days=14), first, last),
            case_number="DEMO sag 3",
            title="Investeringer fra puljen godkendt",
            text=f"{names.approving_body} godkendte investeringerne.",
            investments=investments,
        )
