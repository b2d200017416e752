"""Writing a plan as it stands in the portal back to a plan file (the format of
omstilling/plans/README.md), so that `load_plan` reads it back to the same plan.

The core writes the plan, its areas, bodies and the institutions; each app writes the sections
it registered (`register_section(..., export=...)`), so this module imports none of them.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.utils import timezone
from django.utils.formats import date_format

from omstilling.models import Area, GovernanceBody, Institution, Plan
from omstilling.plan_file import FORMAT_VERSION, sections
from omstilling.quarters import Quarter


def _set(data: dict, key: str, value: Any) -> None:
    """Write a key only when it has a value (the format's defaults are empty)."""
    if value not in (None, "", []):
        data[key] = value


def _amount(value: Decimal) -> int | str:
    """Whole kroner as a number; øre as text, so no float rounds them."""
    return int(value) if value == value.to_integral_value() else str(value)


def logo_file_name(plan: Plan) -> str:
    """The name the exported file gives the plan's logo, beside itself."""
    return f"{plan.slug}-logo{Path(plan.logo.name).suffix}" if plan.logo else ""


def _plan_out(plan: Plan) -> dict:
    data = {
        "slug": plan.slug,
        "title": plan.title,
        "municipality": plan.municipality,
        "department": plan.department,
        "committee": plan.committee,
    }
    _set(data, "committee_short", plan.committee_short)
    _set(data, "approving_body", plan.approving_body)
    _set(data, "approving_body_short", plan.approving_body_short)
    _set(data, "advisory_committee", plan.advisory_committee)
    _set(data, "logo", logo_file_name(plan))
    _set(data, "summary", plan.summary)
    if plan.mandate_body and plan.mandate_date:
        mandate = {"body": plan.mandate_body, "date": plan.mandate_date}
        _set(mandate, "reference", plan.mandate_reference)
        data["mandate"] = mandate
    _set(data, "cornerstones", list(plan.cornerstones or []))
    data["start"] = Quarter.of(plan.start_quarter).code
    data["end"] = Quarter.of(plan.end_quarter).code
    _set(data, "cadence", plan.cadence)
    if plan.funding_title and plan.funding_amount is not None:
        funding = {"title": plan.funding_title, "amount": _amount(plan.funding_amount)}
        _set(funding, "granted_by", plan.funding_granted_by)
        _set(funding, "date", plan.funding_date)
        _set(funding, "reference", plan.funding_reference)
        _set(funding, "development_schools", plan.funding_development_schools)
        _set(funding, "note", plan.funding_note)
        data["funding"] = funding
    return data


def _institutions_out(plan: Plan) -> list[dict]:
    """Every institution of the municipality (they are shared by its plans), with its area when
    that is one of this plan's."""
    result = []
    for institution in Institution.objects.select_related("area").order_by("kind", "name"):
        data = {"name": institution.name, "kind": institution.kind}
        if institution.area_id and institution.area.plan_id == plan.pk:
            data["area"] = institution.area.slug
        if institution.is_demo:
            data["demo"] = True
        result.append(data)
    return result


def plan_file_data(plan: Plan) -> dict:
    """The plan as the data of a plan file."""
    data: dict[str, Any] = {"format": FORMAT_VERSION, "plan": _plan_out(plan)}
    areas = []
    for area in Area.objects.filter(plan=plan).order_by("pk"):
        row = {"slug": area.slug, "name": area.name}
        _set(row, "short", area.short)
        areas.append(row)
    _set(data, "areas", areas)
    bodies = []
    for body in GovernanceBody.objects.filter(plan=plan).order_by("pk"):
        row = {"slug": body.slug, "name": body.name, "kind": body.kind}
        _set(row, "description", body.description)
        bodies.append(row)
    _set(data, "governance_bodies", bodies)
    _set(data, "institutions", _institutions_out(plan))
    for section in sections():
        if section.export is not None:
            _set(data, section.key, section.export(plan))
    return data


class _Dumper(yaml.SafeDumper):
    """Texts of several lines as literal blocks, so the file stays readable and editable."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump_plan_file(plan: Plan, *, now: dt.datetime | None = None) -> str:
    """The plan file's text, with a header that says where and when it was written."""
    when = date_format(timezone.localtime(now or timezone.now()), "DATETIME_FORMAT")
    header = [
        f"# {plan.title}",
        f"# Eksporteret fra Omstillingsportalen {when}: planen, som den står i portalen.",
        "# Format: omstilling/plans/README.md. Indlæses med manage.py load_plan.",
    ]
    if plan.logo:
        header.append(
            f"# Logoet ligger i filen {logo_file_name(plan)}, som skal ligge ved siden af denne."
        )
    body = yaml.dump(
        plan_file_data(plan),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )
    return "\n".join(header) + "\n\n" + body
