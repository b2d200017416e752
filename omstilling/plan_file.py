"""Loading a plan file (YAML, format in omstilling/plans/README.md) into the database.

The core (plan, areas, governance bodies) is loaded here. The apps above the core register the
sections they own (`register_section`), so this module imports none of them. Loading validates
the whole file first and then writes everything in one transaction: a malformed file writes
nothing. Rows are matched by slug and only saved when a value differs, so a second run of the
same file changes nothing (and writes no history).
"""

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import yaml
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from omstilling.bounds import (
    DESCRIPTION_LENGTH,
    EARLIEST_DATE,
    LATEST_DATE,
    NAME_LENGTH,
    SHORT_NAME_LENGTH,
)
from omstilling.models import Area, GovernanceBody, Institution, Plan
from omstilling.privacy import screen_free_text
from omstilling.quarters import Quarter

FORMAT_VERSION = 1
MAX_FILE_BYTES = 5 * 1024 * 1024  # a plan file (Vejle's is about 0.2 MB)
MAX_LOGO_BYTES = 512 * 1024


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


def _flag(value: Any) -> bool:
    # YAML's true/false only: pydantic would also take "yes", 1 or "on", which hides typos.
    if isinstance(value, bool):
        return value
    raise ValueError("skal være true eller false")


Flag = Annotated[bool, BeforeValidator(_flag)]
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


ShortName = Annotated[str, Field(max_length=SHORT_NAME_LENGTH)]
Name = Annotated[str, Field(max_length=NAME_LENGTH)]


class PlanIn(Strict):
    slug: Slug
    title: Text
    municipality: Text
    department: Text
    committee: Text
    committee_short: ShortName = ""
    approving_body: Name = ""
    approving_body_short: ShortName = ""
    advisory_committee: Name = ""
    logo: str | None = None
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


class InstitutionIn(Strict):
    """An institution of the municipality, matched by name. A field left out leaves the
    institution's value as it is (institutions are shared by all plans)."""

    name: Name
    kind: Institution.Kind
    area: Slug | None = None
    demo: Flag | None = None


class CoreIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    format: int
    plan: PlanIn
    areas: list[AreaIn] = []
    governance_bodies: list[GovernanceBodyIn] = []
    institutions: list[InstitutionIn] = []


Problem = tuple[tuple[Any, ...], str]


@dataclass
class Section:
    key: str
    schema: Any
    load: Callable[[Any, "LoadContext"], None]
    check: Callable[[Any, dict[str, Any]], list[Problem]] | None = None
    export: Callable[[Plan], Any] | None = None
    order: int = 100


_SECTIONS: dict[str, Section] = {}


def register_section(
    key: str,
    *,
    schema: Any,
    load: Callable[[Any, "LoadContext"], None],
    check: Callable[[Any, dict[str, Any]], list[Problem]] | None = None,
    export: Callable[[Plan], Any] | None = None,
    order: int = 100,
) -> None:
    """Let an app own a top-level key of the plan file: validated with `schema`, loaded with
    `load`, and written back by the exporter with `export` (the section's data for a plan, in
    the file's format, or None to leave the key out)."""
    _SECTIONS[key] = Section(
        key=key, schema=schema, load=load, check=check, export=export, order=order
    )


def sections() -> list[Section]:
    """The registered sections in the order they are loaded (and written)."""
    return sorted(_SECTIONS.values(), key=lambda section: section.order)


class PlanFileError(Exception):
    """The file cannot be loaded; `problems` are lines such as 'linje 12, spor[0].title: …'."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Change:
    """One field of one existing row that the load changes (from `old` to `new`)."""

    model: type[models.Model]
    pk: int
    row: str
    field: str
    old: Any
    new: Any
    # The column compared with the row's history (None for a many-to-many field).
    attname: str | None = None

    def __str__(self) -> str:
        return f"{self.row}, {self.field}: {_shown(self.old)} → {_shown(self.new)}"


@dataclass(frozen=True)
class PortalEdit:
    """A row of the plan edited in the portal (or the admin) since the plan file was last
    loaded, that the load would change: the edit it would replace."""

    change: Change
    at: dt.datetime
    by: str

    def __str__(self) -> str:
        when = date_format(timezone.localtime(self.at), "DATETIME_FORMAT")
        return (
            f"{self.change.row}, {self.change.field}: ændret i portalen {when}"
            f"{f' af {self.by}' if self.by else ''}; nu {_shown(self.change.old)}, "
            f"filen siger {_shown(self.change.new)}"
        )


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "(tom)"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return f"“{text[:57]}…”" if len(text) > 60 else f"“{text}”"


@dataclass
class LoadStats:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    not_in_file: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))


class PlanEditedError(Exception):
    """The plan was edited in the portal since its file was last loaded, and loading the file
    would replace those edits (`edits`); nothing is written. `stats` says what the load would
    have changed. Load with `overwrite=True` to replace them."""

    def __init__(self, plan: Plan, edits: list[PortalEdit], stats: LoadStats):
        self.plan = plan
        self.edits = edits
        self.stats = stats
        super().__init__("\n".join(str(edit) for edit in edits))


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
                row = _row_name(obj, lookup)
                for name in changed:
                    self.stats.changes.append(
                        Change(
                            model,
                            obj.pk,
                            row,
                            _field_name(model, name),
                            getattr(obj, name),
                            values[name],
                            model._meta.get_field(name).attname,
                        )
                    )
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
        before = list(manager.all())
        if {row.pk for row in before} != {target.pk for target in targets}:
            manager.set(targets)
            if (type(obj), obj.pk) not in self._created:
                self.stats.updated[f"{obj._meta.verbose_name_plural} ({name})"] += 1
                self.stats.changes.append(
                    Change(
                        type(obj),
                        obj.pk,
                        _row_name(obj),
                        _field_name(type(obj), name),
                        sorted(str(row) for row in before),
                        sorted(str(row) for row in targets),
                    )
                )


def _row_name(obj: models.Model, lookup: dict | None = None) -> str:
    """`milepæl 'kursus/bearbejdning'`: the row as the file names it (by its keys within the
    plan)."""
    parts = []
    for value in (lookup or {}).values():
        if isinstance(value, Plan):
            continue
        if isinstance(value, models.Model):
            value = getattr(value, "slug", None) or getattr(value, "number", None) or value.pk
        parts.append(str(value))
    key = "/".join(parts) or getattr(obj, "slug", None) or getattr(obj, "name", None) or str(obj)
    return f"{obj._meta.verbose_name} '{key}'"


def _field_name(model: type[models.Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


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
    if error["type"] == "string_too_long":
        return f"højst {error.get('ctx', {}).get('max_length')} tegn"
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
        data = Path(path).read_bytes()
        if len(data) > MAX_FILE_BYTES:
            mb = MAX_FILE_BYTES // (1024 * 1024)
            raise PlanFileError([f"Filen er større end {mb} MB: det er ikke en planfil."])
        text = data.decode("utf-8")
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
        validated["logo"] = _read_logo(core.plan.logo, Path(path).parent, problems)
    validated["sha256"] = hashlib.sha256(data).hexdigest()
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


# The logo's formats, by the bytes a file of each starts with.
_LOGO_KINDS = {b"\x89PNG\r\n\x1a\n": ".png", b"\xff\xd8\xff": ".jpg"}


@dataclass(frozen=True)
class Logo:
    content: bytes
    extension: str


def _read_logo(name: str | None, folder: Path, problems: list[Problem]) -> Logo | None:
    """The plan's logo: an image file in the plan file's own folder (PNG, JPEG or SVG)."""
    if not name:
        return None
    where = ("plan", "logo")
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()):
        problems.append((where, "logoet skal ligge i samme mappe som planfilen"))
        return None
    try:
        if path.stat().st_size > MAX_LOGO_BYTES:
            problems.append((where, f"logoet er større end {MAX_LOGO_BYTES // 1024} kB"))
            return None
        content = path.read_bytes()
    except OSError:
        problems.append((where, f"filen '{name}' findes ikke ved siden af planfilen"))
        return None
    extension = next((ext for magic, ext in _LOGO_KINDS.items() if content.startswith(magic)), "")
    if not extension and path.suffix.lower() == ".svg" and b"<svg" in content[:2048]:
        extension = ".svg"
    if not extension:
        problems.append((where, "logoet skal være et billede i PNG, JPEG eller SVG"))
        return None
    return Logo(content=content, extension=extension)


def _check_core(core: CoreIn) -> list[Problem]:
    problems: list[Problem] = []
    if core.plan.end < core.plan.start:
        problems.append((("plan", "end"), "sidste kvartal ligger før første kvartal"))
    problems += duplicates(core.areas, ("areas",))
    problems += duplicates(core.governance_bodies, ("governance_bodies",))
    problems += duplicates(core.institutions, ("institutions",), attr="name")
    areas = {area.slug for area in core.areas}
    for index, institution in enumerate(core.institutions):
        if institution.area is not None and institution.area not in areas:
            problems.append(
                (
                    ("institutions", index, "area"),
                    f"'{institution.area}' er ikke et område i filen",
                )
            )
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


def load_plan_file(path: Path, *, overwrite: bool = False) -> tuple[Plan, LoadStats]:
    """Validate and load a plan file in one transaction. Returns the plan and what changed.

    A plan edited in the portal since its file was last loaded is not overwritten silently: if
    the load would change a row edited since (its history after `Plan.loaded_at`), it raises
    PlanEditedError naming those edits, and nothing is written, unless `overwrite`.
    """
    validated = parse_plan_file(path)
    core: CoreIn = validated["core"]
    stats = LoadStats()
    with transaction.atomic():
        started = timezone.now()
        existing = Plan.objects.filter(slug=core.plan.slug).first()
        context = LoadContext(plan=None, areas={}, bodies={}, stats=stats, data=validated)
        plan = context.upsert(Plan, {"slug": core.plan.slug}, _plan_values(core.plan))
        context.plan = plan
        if not Plan.objects.filter(is_current=True).exists():
            # The first plan loaded is the one the portal runs; a successor is made current
            # deliberately (manage.py set_current_plan), never by loading it.
            plan.is_current = True
            plan.save(update_fields=["is_current"])
        _load_logo(plan, validated["logo"], context)
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
        for institution in core.institutions:
            values = {"kind": institution.kind}
            if institution.area is not None:
                values["area"] = context.areas[institution.area]
            if institution.demo is not None:
                values["is_demo"] = institution.demo
            context.upsert(Institution, {"name": institution.name}, values)
        for section in sections():
            if section.key in validated:
                section.load(validated[section.key], context)
        edits = portal_edits(
            stats.changes, since=existing.loaded_at if existing else None, until=started
        )
        if edits and not overwrite:
            raise PlanEditedError(plan, edits, stats)
        plan.loaded_at = timezone.now()
        plan.loaded_sha256 = validated["sha256"]
        plan.save(update_fields=["loaded_at", "loaded_sha256"])
    return plan, stats


def _plan_values(plan_in: PlanIn) -> dict[str, Any]:
    mandate = plan_in.mandate
    funding = plan_in.funding
    return {
        "title": plan_in.title,
        "municipality": plan_in.municipality,
        "department": plan_in.department,
        "committee": plan_in.committee,
        "committee_short": plan_in.committee_short,
        "approving_body": plan_in.approving_body,
        "approving_body_short": plan_in.approving_body_short,
        "advisory_committee": plan_in.advisory_committee,
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
    }


def _load_logo(plan: Plan, logo: Logo | None, context: LoadContext) -> None:
    """Copy the file's logo to the media storage when it differs from the stored one (a file
    without `logo` removes it). The stored file of a replaced logo is kept."""
    stored = _stored_logo(plan)
    if (logo.content if logo else None) == stored:
        return
    old = plan.logo.name
    if logo is None:
        plan.logo = ""
    else:
        plan.logo.save(f"{plan.slug}-logo{logo.extension}", ContentFile(logo.content), save=False)
    plan.save(update_fields=["logo"])
    if (Plan, plan.pk) not in context._created:
        context.stats.updated[Plan._meta.verbose_name_plural] += 1
        context.stats.changes.append(
            Change(
                Plan,
                plan.pk,
                _row_name(plan),
                _field_name(Plan, "logo"),
                old,
                plan.logo.name,
                "logo",
            )
        )


def _stored_logo(plan: Plan) -> bytes | None:
    if not plan.logo:
        return None
    try:
        with plan.logo.open("rb") as stored:
            return stored.read()
    except OSError:
        return None


def portal_edits(
    changes: list[Change], *, since: dt.datetime | None, until: dt.datetime
) -> list[PortalEdit]:
    """The changes that would replace an edit made in the portal (or the admin): a field whose
    value in the row's history changed after the file was last loaded (`since`) and before this
    load began (`until`). Before a plan's first recorded load, only changes made by a person
    count (the loader records none). One query per changed row with history."""
    entries: dict[tuple[type, int], list] = {}
    edits = []
    for change in changes:
        history = getattr(change.model, "history", None)
        if history is None:
            continue
        key = (change.model, change.pk)
        if key not in entries:
            entries[key] = list(
                history.filter(id=change.pk, history_date__lt=until)
                .select_related("history_user")
                .order_by("history_date", "history_id")
            )
        entry = _last_edit(entries[key], change.attname, since)
        if entry is not None:
            by = str(entry.history_user) if entry.history_user else ""
            edits.append(PortalEdit(change=change, at=entry.history_date, by=by))
    return edits


_UNKNOWN = object()


def _last_edit(entries: list, attname: str | None, since: dt.datetime | None):
    """The last history entry after `since` that changed the field (any entry after `since` for
    a many-to-many field, whose values the entries do not hold), or None. Before the first
    recorded load (`since` None), entries by a person count: the loader records nobody."""
    value = _UNKNOWN
    last = None
    for entry in entries:
        current = getattr(entry, attname) if attname else None
        counted = (
            entry.history_date > since if since is not None else entry.history_user_id is not None
        )
        if counted and (attname is None or current != value):
            last = entry
        value = current
    return last
