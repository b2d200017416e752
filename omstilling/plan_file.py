"""Loading a plan file (YAML, format in omstilling/plans/README.md) into the database.

The core (plan, areas, governance bodies) is loaded here. The apps above the core register the
sections they own (`register_section`), so this module imports none of them. Loading validates
the whole file first and then writes everything in one transaction: a malformed file writes
nothing. Rows are matched by slug and only saved when a value differs, so a second run of the
same file changes nothing (and writes no history).
"""

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import yaml
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from omstilling.bounds import DESCRIPTION_LENGTH, EARLIEST_DATE, LATEST_DATE
from omstilling.models import Area, GovernanceBody, Plan
from omstilling.privacy import screen_free_text
from omstilling.quarters import Quarter

FORMAT_VERSION = 1


class _PlanYamlLoader(yaml.SafeLoader):
    """YAML's safe loader without its implicit dates: `2026-02-30` stays the text it is, so an
    impossible date is reported by the schema with its line and path (PyYAML's own date
    conversion raises a bare ValueError with neither)."""


_PlanYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# An explicit `!!timestamp` tag is read as text too, for the same reason.
_PlanYamlLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", yaml.constructor.SafeConstructor.construct_yaml_str
)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(value: Any) -> dt.date:
    """A calendar date written `YYYY-MM-DD` that exists and lies in the portal's window."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str):
        raise ValueError("skal være en dato på formen ÅÅÅÅ-MM-DD")
    if isinstance(value, str):
        if not _ISO_DATE.match(value.strip()):
            raise ValueError(f"'{value}' er ikke en dato på formen ÅÅÅÅ-MM-DD")
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"'{value}' er ikke en dato, der findes") from None
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(
            f"{value.isoformat()} ligger uden for "
            f"{EARLIEST_DATE.isoformat()} – {LATEST_DATE.isoformat()}"
        )
    return value


def _quarter_start(value: Any) -> dt.date:
    """`2025-Q3` (or `2025-K3`); a date stands for the quarter it lies in."""
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE.match(value.strip())):
        return Quarter.of(_date(value)).first_day
    return Quarter.parse(str(value)).first_day


Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=120)]
QuarterStart = Annotated[dt.date, BeforeValidator(_quarter_start)]
PlanDate = Annotated[dt.date, BeforeValidator(_date)]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _screen_text(cls, value: Any) -> Any:
        """Every text in a plan file goes through the same screening as what people type."""
        texts = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        for text in texts:
            if not isinstance(text, str):
                continue
            if len(text) > DESCRIPTION_LENGTH:
                raise ValueError(f"højst {DESCRIPTION_LENGTH} tegn (teksten har {len(text)})")
            try:
                screen_free_text(text)
            except DjangoValidationError as exc:
                raise ValueError(" ".join(str(m) for m in exc.messages)) from exc
        return value


class MandateIn(Strict):
    body: Text
    date: PlanDate
    reference: str = ""


class FundingIn(Strict):
    title: Text
    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    granted_by: str = ""
    date: PlanDate | None = None
    reference: str = ""
    development_schools: int | None = Field(default=None, ge=0)
    note: str = ""


class PlanIn(Strict):
    slug: Slug
    title: Text
    municipality: Text
    department: Text
    committee: Text
    summary: str = ""
    mandate: MandateIn | None = None
    cornerstones: list[Text] = []
    start: QuarterStart
    end: QuarterStart
    cadence: str = ""
    funding: FundingIn | None = None


class AreaIn(Strict):
    slug: Slug
    name: Text
    short: str = ""


class GovernanceBodyIn(Strict):
    slug: Slug
    name: Text
    kind: GovernanceBody.Kind
    description: str = ""


class CoreIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    format: int
    plan: PlanIn
    areas: list[AreaIn] = []
    governance_bodies: list[GovernanceBodyIn] = []


Problem = tuple[tuple[Any, ...], str]


@dataclass
class Section:
    key: str
    schema: Any
    load: Callable[[Any, "LoadContext"], None]
    check: Callable[[Any, dict[str, Any]], list[Problem]] | None = None
    order: int = 100


_SECTIONS: dict[str, Section] = {}


def register_section(
    key: str,
    *,
    schema: Any,
    load: Callable[[Any, "LoadContext"], None],
    check: Callable[[Any, dict[str, Any]], list[Problem]] | None = None,
    order: int = 100,
) -> None:
    """Let an app own a top-level key of the plan file (validated with `schema`)."""
    _SECTIONS[key] = Section(key=key, schema=schema, load=load, check=check, order=order)


class PlanFileError(Exception):
    """The file cannot be loaded; `problems` are lines such as 'linje 12, spor[0].title: …'."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class LoadStats:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    not_in_file: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))


@dataclass
class LoadContext:
    plan: Plan
    areas: dict[str, Area]
    bodies: dict[str, GovernanceBody]
    stats: LoadStats
    data: dict[str, Any]
    _created: set = field(default_factory=set)

    def upsert(self, model: type[models.Model], lookup: dict, values: dict) -> models.Model:
        """Create or update one row; save only the fields whose value differs."""
        label = model._meta.verbose_name_plural
        obj = model.objects.filter(**lookup).first()
        try:
            if obj is None:
                self.stats.created[label] += 1
                obj = model.objects.create(**lookup, **values)
                self._created.add((model, obj.pk))
                return obj
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            if changed:
                for name in changed:
                    setattr(obj, name, values[name])
                obj.save(update_fields=changed)
                self.stats.updated[label] += 1
        except DjangoValidationError as exc:
            # A field's own bound (omstilling.fields) the file's schema did not know.
            where = ", ".join(f"{key} '{value}'" for key, value in lookup.items())
            raise PlanFileError(
                [
                    f"{model._meta.verbose_name} ({where}), {field}: {' '.join(map(str, errors))}"
                    for field, errors in exc.message_dict.items()
                ]
            ) from exc
        else:
            self.stats.unchanged[label] += 1
        return obj

    def sync_m2m(self, obj: models.Model, name: str, targets: list[models.Model]) -> None:
        manager = getattr(obj, name)
        wanted = {target.pk for target in targets}
        if set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(targets)
            if (type(obj), obj.pk) not in self._created:
                self.stats.updated[f"{obj._meta.verbose_name_plural} ({name})"] += 1


_MESSAGES = {
    "missing": "feltet mangler",
    "extra_forbidden": "ukendt felt (tjek stavningen)",
    "string_type": "skal være tekst",
    "int_type": "skal være et heltal",
    "int_parsing": "skal være et heltal",
    "list_type": "skal være en liste",
    "model_type": "skal være en samling af felter",
    "dict_type": "skal være en samling af felter",
    "date_type": "skal være en dato på formen ÅÅÅÅ-MM-DD",
    "date_from_datetime_parsing": "skal være en dato på formen ÅÅÅÅ-MM-DD",
    "string_too_short": "må ikke være tom",
    "string_pattern_mismatch": (
        "skal være en nøgle med små bogstaver, tal og bindestreger (a-z, 0-9, -)"
    ),
    "enum": "har en ukendt værdi",
    "decimal_parsing": "skal være et beløb",
    "greater_than_equal": "er for lille",
}


def _message(error: dict) -> str:
    text = _MESSAGES.get(error["type"])
    if text == "har en ukendt værdi":
        expected = error.get("ctx", {}).get("expected")
        return f"{text}; tilladt: {expected}" if expected else text
    if text:
        return text
    if error["type"] == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    return error["msg"]


def _format_path(path: tuple[Any, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(filen)"


def _line_of(node: yaml.Node | None, path: tuple[Any, ...]) -> int | None:
    """Walk the composed YAML node tree to the line of a field path (1-based)."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == part:
                    node = value_node
                    line = key_node.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def parse_plan_file(path: Path) -> dict[str, Any]:
    """Read and validate a plan file; raise PlanFileError naming every problem found."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError([f"Filen kan ikke læses: {exc}"]) from exc
    try:
        root = yaml.compose(text, Loader=_PlanYamlLoader)
        raw = yaml.load(text, Loader=_PlanYamlLoader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"linje {mark.line + 1}: " if mark else ""
        raise PlanFileError([f"{where}ugyldig YAML ({getattr(exc, 'problem', exc)})"]) from exc

    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise PlanFileError(["Filen skal indeholde en samling af felter (format, plan, spor …)."])

    validated: dict[str, Any] = {}
    try:
        core = CoreIn.model_validate(raw)
        validated["core"] = core
    except ValidationError as exc:
        problems += [(tuple(e["loc"]), _message(e)) for e in exc.errors()]
        core = None
    if core is not None and core.format != FORMAT_VERSION:
        problems.append((("format",), f"formatet {core.format} kendes ikke; brug {FORMAT_VERSION}"))

    core_keys = set(CoreIn.model_fields)
    for key in raw:
        if key not in core_keys and key not in _SECTIONS:
            problems.append(((key,), "ukendt afsnit (tjek stavningen)"))
    for key, section in _SECTIONS.items():
        if key not in raw:
            continue
        try:
            validated[key] = TypeAdapter(section.schema).validate_python(raw[key])
        except ValidationError as exc:
            problems += [((key, *e["loc"]), _message(e)) for e in exc.errors()]

    if core is not None:
        problems += _check_core(core)
    if not problems:
        for key, section in _SECTIONS.items():
            if section.check and key in validated:
                problems += section.check(validated[key], validated)

    if problems:
        raise PlanFileError(
            [
                f"linje {_line_of(root, loc)}, {_format_path(loc)}: {msg}"
                if _line_of(root, loc)
                else f"{_format_path(loc)}: {msg}"
                for loc, msg in problems
            ]
        )
    return validated


def _check_core(core: CoreIn) -> list[Problem]:
    problems: list[Problem] = []
    if core.plan.end < core.plan.start:
        problems.append((("plan", "end"), "sidste kvartal ligger før første kvartal"))
    problems += duplicates(core.areas, ("areas",))
    problems += duplicates(core.governance_bodies, ("governance_bodies",))
    return problems


def duplicates(items: list[Any], path: tuple[Any, ...], attr: str = "slug") -> list[Problem]:
    seen: set[Any] = set()
    problems: list[Problem] = []
    for index, item in enumerate(items):
        value = getattr(item, attr)
        if value in seen:
            problems.append(((*path, index, attr), f"'{value}' er brugt mere end én gang"))
        seen.add(value)
    return problems


def load_plan_file(path: Path) -> tuple[Plan, LoadStats]:
    """Validate and load a plan file in one transaction. Returns the plan and what changed."""
    validated = parse_plan_file(path)
    core: CoreIn = validated["core"]
    stats = LoadStats()
    with transaction.atomic():
        plan_in = core.plan
        mandate = plan_in.mandate
        funding = plan_in.funding
        context = LoadContext(plan=None, areas={}, bodies={}, stats=stats, data=validated)
        plan = context.upsert(
            Plan,
            {"slug": plan_in.slug},
            {
                "title": plan_in.title,
                "municipality": plan_in.municipality,
                "department": plan_in.department,
                "committee": plan_in.committee,
                "summary": plan_in.summary,
                "mandate_body": mandate.body if mandate else "",
                "mandate_date": mandate.date if mandate else None,
                "mandate_reference": mandate.reference if mandate else "",
                "cornerstones": plan_in.cornerstones,
                "start_quarter": plan_in.start,
                "end_quarter": plan_in.end,
                "cadence": plan_in.cadence,
                "funding_title": funding.title if funding else "",
                "funding_amount": funding.amount if funding else None,
                "funding_granted_by": funding.granted_by if funding else "",
                "funding_date": funding.date if funding else None,
                "funding_reference": funding.reference if funding else "",
                "funding_development_schools": funding.development_schools if funding else None,
                "funding_note": funding.note if funding else "",
            },
        )
        context.plan = plan
        if not Plan.objects.filter(is_current=True).exists():
            # The first plan loaded is the one the portal runs; a successor is made current
            # deliberately, never by loading it.
            plan.is_current = True
            plan.save(update_fields=["is_current"])
        for area in core.areas:
            context.areas[area.slug] = context.upsert(
                Area, {"plan": plan, "slug": area.slug}, {"name": area.name, "short": area.short}
            )
        for body in core.governance_bodies:
            context.bodies[body.slug] = context.upsert(
                GovernanceBody,
                {"plan": plan, "slug": body.slug},
                {"name": body.name, "kind": body.kind, "description": body.description},
            )
        for section in sorted(_SECTIONS.values(), key=lambda s: s.order):
            if section.key in validated:
                section.load(validated[section.key], context)
    return plan, stats
