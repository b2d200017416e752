"""`{{ investment.state|investment_state:plan_names }}`: a state as the plan's governance names
it ("Behandlet i BFU"), through investments.models.state_label."""

from django import template

from investments.models import state_label
from omstilling.models import PlanNames

register = template.Library()


@register.filter
def investment_state(state: str, names: PlanNames) -> str:
    return state_label(state, names)
