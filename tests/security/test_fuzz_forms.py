"""Every form of the portal, posted with hostile input as every role that may submit it.

The forms are found by walking the portal (tests/security/form_walk.py): each role starts at
"/" and follows the links of each page (file downloads aside), so a new form on any page is
fuzzed without being listed here. A URL pattern that takes POST but whose form the walk never
found fails `test_it_finds_the_form_of_every_url_that_takes_input`.

For each form a valid submission (the baseline) is built from what the page offers, and every
role posts it: the roles it is accepted from may submit the form. Then one field at a time gets
each payload of its kind's corpus (tests/security/fuzz_corpus.py); an upload gets broken files
and every cell of a valid file broken in turn. The full corpus runs once per form (and one
payload of each kind the way htmx posts it, for an hx-post form); each further role that may
submit the form gets one payload of each kind. Every submission runs in a savepoint that is
rolled back, so all start from the same data. Each answer must:
- not be a server error (5xx), nor take longer than SLOW_SECONDS;
- when it refuses (4xx, the form shown again with errors, or a redirect to an error message),
  have written nothing;
- when the form is shown again with errors, tie each error to its field (DKFDS: the control's
  aria-describedby names the error message) and mark the field that was changed, unless the
  rule spans fields (another field is marked); a hidden field's error must be told in the
  summary; an upload's errors, in the summary, must name the broken cell's column (or row);
- refuse what must be refused: CPR numbers in any spelling, text past its maximum length or
  1 MB, numbers that are negative, not finite or far out of range, dates outside any sane
  window, values that are none of the options; a required field left blank;
- never send a script payload back unescaped, nor redirect to another site.
A role whose page offers a form must not be refused it; BFU may write nothing but its own
account.

A summary (forms, submissions, server errors, refusals, per form) is printed at the end of
the run; it and every problem, grouped by cause, are written to test-artifacts/fuzz-forms.txt.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import re
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.test import Client, override_settings
from django.utils import timezone

from notifications.models import Notification, NotificationPreference
from omstilling.demo import DEMO_PASSWORD
from omstilling.models import Institution, Plan, User
from omstilling.quarters import Quarter
from reports.models import Report, ReportKind, ReportState
from tests.factories import InstitutionFactory
from tests.security import form_walk
from tests.security.fuzz_corpus import (
    FilePayload,
    Payload,
    csv_bytes,
    file_payloads,
    payloads_for,
)
from tests.summaries import gather
from visitation.imports import COLUMNS as COUNT_COLUMNS
from visitation.imports import REQUIRED as COUNT_REQUIRED
from visitation.models import GENERAL_KINDS

# The tests use the module's data (the `portal` fixture); the mark makes pytest-django set
# the test database up and wraps each test in a savepoint of its own.
pytestmark = pytest.mark.django_db

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
REPORT_FILE = ARTIFACTS / "fuzz-forms.txt"

# URL patterns the walk leaves out, and why.
NOT_FUZZED = {
    "login": "the log-in form: lock-out and sessions are tested in test_login_and_sessions",
    # The demo data has an open round, and a second is refused by design (one open round per
    # plan), so the walk finds no page that offers the form: tests/rounds/test_rounds.py posts
    # it (valid, invalid, every role).
    "rounds:open": "one open round per plan: the demo's round is open (tests/rounds covers it)",
    # Archiving a spor or a theme is refused while it has tiltag that are not archived, which
    # every demo spor and theme has; the form's only field is the hidden edit version.
    # tests/tracks/test_plan_edit_views.py posts both (valid, stale, every role).
    "tracks:spor_archive": "refused while the spor has active tiltag (tests/tracks covers it)",
    "tracks:theme_archive": "refused while the theme has active tiltag (tests/tracks covers it)",
    "logout": "logging out takes no input",
    "set_language": "Django's language switch: a cookie checked against LANGUAGES",
    "documents:attach": "an upload of a binary document (PDF, .docx, .xlsx, .odt), not rows: "
    "the wrong files (an .exe renamed .pdf, a zip bomb renamed .docx, damaged or mislabelled "
    "files, CPR numbers in names and titles) are tested in tests/documents",
    "discussion:mark": "a button with hidden fields only (the version it was shown at and the "
    "choice), no input: who may press it and a stale version are tested in tests/discussion",
    "invitation": "a new user's e-mailed token link (Django's SetPasswordForm behind a valid "
    "token only): tested in tests/omstilling/test_admin_invitation.py",
}
# Django's admin site: Django's own forms, checked by the admin tests of each app.
NOT_FUZZED_PREFIXES = ("/admin/",)
URLS_PER_PATTERN = 2  # the walk visits at most this many URLs of each pattern, per role
SLOW_SECONDS = 5
BASELINE_TEXT = "Tekst fra formulartesten"
# A new password any validator accepts; the demo users' own password is tried in each
# password field in turn (the current password a form asks for).
BASELINE_PASSWORD = "Formulartest-Kp7!vandhane"
ACCEPTED = (301, 302, 303, 204)
REFUSED = (403, 404)


# --- the data and the walk ---------------------------------------------------------------------


def _count_file() -> tuple[str, list[list[str]], set[str]]:
    """A valid quarterly counts file (visitation:counts): one row per known institution."""
    quarter = Quarter.of(timezone.localdate())
    rows = [list(COUNT_COLUMNS)]
    for institution in Institution.objects.filter(kind__in=GENERAL_KINDS).order_by("pk")[:2]:
        level = "skole" if institution.kind == Institution.Kind.SKOLE else "dagtilbud"
        rows.append([institution.name, f"{quarter.year}-K{quarter.number}", level, "3", "400"])
    return "bestand.csv", rows, set(COUNT_COLUMNS) - set(COUNT_REQUIRED)


# A valid file for each upload form, by the URL pattern it posts to: (file name, rows, the
# columns that may be empty). An upload cannot be built from the page alone.
FILE_BASELINES = {"visitation:counts": _count_file}


def _extra_rows() -> None:
    """Rows the demo data lacks, so that every form has a page: a school that is not yet an
    udviklingsskole (and room in the pool for it), and a finished and a failed report (new
    version, retry)."""
    InstitutionFactory(name="Formulartestens skole (demo)", kind=Institution.Kind.SKOLE)
    Plan.objects.update(funding_development_schools=F("funding_development_schools") + 1)
    chef = User.objects.get(username="chefgruppe")
    pdf = b"%PDF-1.7 formulartest"
    finished = Report(
        kind=ReportKind.KVARTALSRAPPORT,
        period="2025-K1",
        period_label="1. kvartal 2025",
        period_start=dt.date(2025, 1, 1),
        state=ReportState.FAERDIG,
        requested_by=chef,
        snapshot={},
        sha256=hashlib.sha256(pdf).hexdigest(),
        pdf_size=len(pdf),
        page_count=1,
    )
    finished.pdf.save("formulartest.pdf", ContentFile(pdf), save=False)
    finished.save()
    Report.objects.create(
        kind=ReportKind.KVARTALSRAPPORT,
        period="2025-K2",
        period_label="2. kvartal 2025",
        period_start=dt.date(2025, 4, 1),
        state=ReportState.FEJLET,
        failure_reason="Afbrudt i testen.",
        requested_by=chef,
    )


@dataclass
class Portal:
    clients: dict[str, Client]
    walk: form_walk.Walk
    tables: set[str]


@contextlib.contextmanager
def _quiet_logs():
    """The walk provokes thousands of 4xx and some 5xx on purpose: their log lines (and axes'
    log-in lines) would bury a failure's output; the report names every server error."""
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security", "axes")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


@pytest.fixture(scope="module")
def portal(django_db_setup, django_db_blocker, tmp_path_factory):
    """The Vejle plan and the demo data, loaded once for the module and rolled back after it;
    one logged-in client per demo role; the walk."""
    fast_hashing = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    media = tmp_path_factory.mktemp("media")
    with (
        _quiet_logs(),
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast_hashing, MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        with override_settings(DEBUG=True):  # seed_demo refuses to run otherwise
            call_command("load_plan", verbosity=0)
            call_command("seed_demo", verbosity=0)
        _extra_rows()
        clients = {}
        for user in User.objects.filter(role__gt="").order_by("pk"):
            clients[user.username] = Client(raise_request_exception=False)
            clients[user.username].force_login(user)
        walk = form_walk.crawl(
            clients,
            # The pool page shows the investments changed last; spending is recorded on an
            # approved one, which a user finds through the status filter of "all investments".
            start=["/investeringer/alle/?status=godkendt", "/"],
            skip=set(NOT_FUZZED),
            skip_prefixes=NOT_FUZZED_PREFIXES,
            per_pattern=URLS_PER_PATTERN,
        )
        yield Portal(clients, walk, form_walk.project_tables())
        transaction.set_rollback(True)


# --- submitting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    cause: str  # what went wrong, the grouping key of the report
    form: str  # the URL pattern the form posts to (+ " (htmx)")
    role: str
    field: str
    payload: str
    detail: str = ""

    def line(self) -> str:
        where = f"{self.form} as {self.role}, {self.field or '–'} = {self.payload}"
        return f"{where}{': ' + self.detail if self.detail else ''}"


@dataclass
class FormStats:
    roles: set[str] = field(default_factory=set)
    fields: int = 0
    submissions: int = 0
    server_errors: int = 0
    refused: int = 0
    accepted: int = 0
    failures: int = 0


@dataclass
class FuzzRun:
    stats: dict[str, FormStats] = field(default_factory=lambda: defaultdict(FormStats))
    failures: list[Failure] = field(default_factory=list)
    refused_roles: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # URL pattern → role → what the role's accepted baseline wrote
    submitters: dict[str, dict[str, list[str]]] = field(default_factory=lambda: defaultdict(dict))
    unjudged: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    timings: list[tuple[float, str]] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class Outcome:
    answer: form_walk.Answer
    errors: form_walk.ErrorMarkup | None

    @property
    def server_error(self) -> bool:
        return self.answer.status >= 500

    @property
    def accepted(self) -> bool:
        status = self.answer.status
        if status in ACCEPTED:
            # A redirect that wrote nothing, to a page that shows an error, is a refusal.
            told_no = not self.answer.written and self.errors is not None and self.errors.summary
            return not told_no
        return status == 200 and not (self.errors and self.errors.any)

    @property
    def refused(self) -> bool:
        return not self.server_error and not self.accepted


Values = dict[str, list[str]]


@dataclass
class Target:
    """One form, posted by one role, plain or the way htmx posts it."""

    portal: Portal
    run: FuzzRun
    role: str
    form: form_walk.Form
    htmx: bool = False
    files: dict[str, FilePayload] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.form.action_name + (" (htmx)" if self.htmx else "")

    def submit(self, values: Values, files=None, follow: bool = False) -> Outcome:
        data = [(name, value) for name, vals in values.items() for value in vals]
        files = {**self.files, **(files or {})}
        if self.form.multipart or files:
            body: dict[str, list] = defaultdict(list)
            for name, value in data:
                body[name].append(value)
            for name, upload in files.items():
                body[name] = SimpleUploadedFile(upload.name, upload.content)
            content_type = None
        else:
            body, content_type = urlencode(data), "application/x-www-form-urlencoded"
        headers = {}
        if self.htmx:
            headers["HX-Request"] = "true"
            if self.form.hx_target.startswith("#"):
                headers["HX-Target"] = self.form.hx_target[1:]
        answer = form_walk.post_and_roll_back(
            self.portal.clients[self.role],
            self.form.hx_action if self.htmx else self.form.action,
            body,
            content_type=content_type,
            headers=headers,
            tables=self.portal.tables - {"omstilling_accesslog"},  # reads are logged
            follow=follow,
            time_limit=60,
        )
        shown = answer.html or answer.followed_html
        errors = form_walk.error_markup(form_walk.parse_html(shown)) if shown else None
        return Outcome(answer, errors)

    def record(self, outcome: Outcome, failures: list[Failure], what: str = "baseline") -> None:
        self.run.timings.append((outcome.answer.seconds, f"{self.name} as {self.role}, {what}"))
        stats = self.run.stats[self.name]
        stats.submissions += 1
        stats.server_errors += outcome.server_error
        stats.accepted += outcome.accepted
        stats.refused += outcome.refused
        stats.failures += len(failures)
        self.run.failures += failures

    def failure(self, cause: str, field_name: str, payload: str, detail: str = "") -> Failure:
        return Failure(cause, self.name, self.role, field_name, payload, detail)


def _server_error(outcome: Outcome) -> tuple[str, str]:
    """What went wrong, as (the exception's kind and the last line of the portal's own code it
    passed through: the report's grouping key, its message)."""
    exc = outcome.answer.exception
    if exc is None:
        return f"server error ({outcome.answer.status}) without an exception", ""
    base = str(settings.BASE_DIR)
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if frame.filename.startswith(base) and not re.search(r"/(\.venv|tests)/", frame.filename)
    ]
    where = ""
    if frames:
        where = f" at {Path(frames[-1].filename).relative_to(base)}:{frames[-1].lineno}"
    message = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else ""
    return f"server error ({outcome.answer.status}): {type(exc).__name__}{where}", message


def _describe_errors(outcome: Outcome) -> str:
    errors = outcome.errors
    if errors is None:
        return f"HTTP {outcome.answer.status}"
    parts = [f"{name}: {' '.join(texts)}" for name, texts in errors.marked.items()]
    parts += errors.specific_summary + errors.untied
    return f"HTTP {outcome.answer.status}; " + ("; ".join(parts) or "no message")[:300]


def _accepted_detail(answer: form_walk.Answer) -> str:
    stored = ", ".join(w for w in answer.written if w.startswith("INSERT"))
    outcome = f"HTTP {answer.status}" + (f" → {answer.location}" if answer.location else "")
    return f"{outcome}; stored: {stored}" if stored else outcome


# --- a valid submission ------------------------------------------------------------------------


def _baseline_value(form_field: form_walk.FormField) -> list[str]:
    """What a person filling the form in would send for one field."""
    kind, rendered = form_field.kind, [v for v in form_field.values if v != ""]
    if kind == "hidden":
        return form_field.values
    if rendered or kind in ("multi", "flag", "file"):
        return rendered
    if kind in ("text", "textarea"):
        return [BASELINE_TEXT[: form_field.maxlength or None]]
    if kind == "password":
        return [BASELINE_PASSWORD]
    if kind == "number":
        return ["1"]
    if kind == "date":
        return [timezone.localdate().isoformat()]
    if kind == "choice":
        return [o for o in form_field.options if o][:1]
    return []


def _baseline_candidates(form: form_walk.Form) -> list[Values]:
    """Valid-looking submissions to try in turn: everything filled in; optional text left as
    rendered; the user's own password in each password field; then each other option of each
    choice field."""
    full = {name: _baseline_value(f) for name, f in form.fields.items() if f.kind != "file"}
    sparse = dict(full)
    for name, f in form.fields.items():
        if f.free_text and not f.required:
            sparse[name] = [v for v in f.values if v]
    candidates = [full, sparse]
    for name, f in form.fields.items():
        if f.kind == "password":
            candidates.append({**full, name: [DEMO_PASSWORD]})
        if f.kind == "choice":
            for option in [o for o in f.options if o and [o] != full.get(name)]:
                candidates += [{**full, name: [option]}, {**sparse, name: [option]}]
    return candidates


def _find_baseline(target: Target) -> tuple[Values | None, Outcome | None]:
    """The first candidate submission the form accepts (rolled back like all the others)."""
    last = None
    for values in _baseline_candidates(target.form):
        outcome = target.submit(values)
        target.record(outcome, [])
        if outcome.accepted:
            return values, outcome
        last = outcome
        if outcome.server_error or outcome.answer.status in REFUSED:
            break
    return None, last


def _upload_spec(form: form_walk.Form):
    """The valid file of each upload field, and the rows and optional columns it holds;
    None when the form has an upload that FILE_BASELINES has no file for."""
    uploads = [name for name, f in form.fields.items() if f.kind == "file"]
    if not uploads:
        return {}, None
    make = FILE_BASELINES.get(form.action_name)
    if make is None:
        return None, None
    file_name, rows, optional = make()
    valid = FilePayload("valid file", file_name, csv_bytes(rows), reject="")
    return dict.fromkeys(uploads, valid), (file_name, rows, optional)


# --- judging one answer -------------------------------------------------------------------------


def _judge(
    target: Target, outcome: Outcome, *, field_name: str, label: str, reject: str,
    markup: str = "", column: str = "", row: int = 0,
) -> list[Failure]:  # fmt: skip
    answer = outcome.answer
    failures = []

    def fail(cause: str, detail: str = "") -> None:
        failures.append(target.failure(cause, field_name, label, detail))

    if outcome.server_error:
        fail(*_server_error(outcome))
        return failures
    if answer.seconds > SLOW_SECONDS:
        fail(f"slow: took more than {SLOW_SECONDS} s", f"{answer.seconds:.1f} s")
    if answer.location:
        place = urlsplit(answer.location)
        if place.netloc not in ("", "testserver") or place.scheme not in ("", "http", "https"):
            fail("redirected to another site", answer.location)
    if markup and (markup in answer.html or markup in answer.followed_html):
        fail("script payload sent back unescaped")
    if outcome.accepted:
        if reject:
            fail(f"accepted although it must be refused: {reject}", _accepted_detail(answer))
        return failures
    if answer.written:
        fail("refused, but rows were written", ", ".join(answer.written))
    errors = outcome.errors
    if errors is None or answer.status in REFUSED:
        return failures
    if errors.untied:
        fail("error message not tied to any field", "; ".join(errors.untied)[:200])
    kind = target.form.fields[field_name].kind if field_name in target.form.fields else ""
    if kind == "file":
        if not errors.specific_summary and field_name not in errors.marked:
            fail("upload refused without saying why", _describe_errors(outcome))
        elif column and not any(
            column in text or re.search(rf"\b{row}\b", text) for text in errors.specific_summary
        ):
            fail("upload refused, but no error names the column or row", _describe_errors(outcome))
    elif field_name in errors.marked or (errors.marked and kind != "hidden"):
        pass  # the field is marked, or a rule across fields marked another one
    elif kind == "hidden":
        if not errors.specific_summary:
            fail("refused, but the error on a hidden field is shown nowhere",
                 _describe_errors(outcome))  # fmt: skip
    elif errors.specific_summary:
        fail("error shown only in the summary, not at the field", _describe_errors(outcome))
    else:
        fail("refused without a message at any field", _describe_errors(outcome))
    return failures


# --- fuzzing ------------------------------------------------------------------------------------


def _shape(name: str) -> str:
    """Fields that differ only by a number (target_2026-Q1, target_2026-Q2 …) share a shape:
    only the first of each shape is fuzzed."""
    return re.sub(r"\d+", "N", name)


def _one_of_each(payloads: list) -> list:
    """The first payload of each kind of refusal (and the first that may be accepted)."""
    seen, kept = set(), []
    for payload in payloads:
        key = (payload.reject, getattr(payload, "markup", False))
        if key not in seen:
            seen.add(key)
            kept.append(payload)
    return kept


def _fuzz_field(target: Target, values: Values, form_field, payloads: list[Payload]) -> None:
    for payload in payloads:
        changed = dict(values)
        if form_field.kind in ("choice", "multi", "flag") and payload.value == "":
            changed[form_field.name] = []  # a browser sends nothing for an unchecked box
        else:
            changed[form_field.name] = [payload.value]
        reject = payload.reject
        if not payload.value.strip() and form_field.required:
            reject = "a required field left blank"
        if form_field.disabled:
            reject = ""  # the server ignores a disabled field's value
        outcome = target.submit(changed, follow=payload.markup)
        failures = _judge(
            target, outcome, field_name=form_field.name, label=payload.label, reject=reject,
            markup=payload.value if payload.markup else "",
        )  # fmt: skip
        target.record(outcome, failures, f"{form_field.name} = {payload.label}")


def _fuzz_form(target: Target, values: Values, file_spec, *, reduced: bool) -> None:
    """One field at a time, each payload of its kind; then the uploads."""
    stats = target.run.stats[target.name]
    stats.roles.add(target.role)
    stats.fields = 0  # counted once per form, whichever role posts it
    shapes = set()
    for name, form_field in target.form.fields.items():
        if name == "csrfmiddlewaretoken" or form_field.kind == "file":
            continue
        if _shape(name) in shapes:
            continue
        shapes.add(_shape(name))
        stats.fields += 1
        payloads = payloads_for(form_field)
        _fuzz_field(target, values, form_field, _one_of_each(payloads) if reduced else payloads)
    if not file_spec:
        return
    file_name, rows, optional = file_spec
    for upload in target.files:
        stats.fields += 1
        payloads = file_payloads(rows, name=file_name, optional=optional)
        for payload in _one_of_each(payloads) if reduced else payloads:
            outcome = target.submit(values, files={upload: payload})
            failures = _judge(
                target, outcome, field_name=upload, label=payload.label, reject=payload.reject,
                column=payload.column, row=payload.row,
            )  # fmt: skip
            target.record(outcome, failures, f"{upload} = {payload.label}")


def _forms_by_action(walk: form_walk.Walk) -> dict[str, dict[str, form_walk.Form]]:
    """The first form the walk found for each URL pattern it posts to, per role."""
    found: dict[str, dict[str, form_walk.Form]] = defaultdict(dict)
    for role, form in walk.forms:
        name = form.action_name
        if name in NOT_FUZZED or urlsplit(form.action).path.startswith(NOT_FUZZED_PREFIXES):
            continue
        found[name].setdefault(role, form)
    return found


def _fuzz_as(portal: Portal, run: FuzzRun, name: str, role: str, form: form_walk.Form, offered):
    files, file_spec = _upload_spec(form)
    target = Target(portal, run, role, form)
    if files is None:
        cause = "upload form without a valid file in FILE_BASELINES"
        run.failures.append(target.failure(cause, "", ""))
        return
    target.files = files
    values, outcome = _find_baseline(target)
    if outcome is not None and outcome.server_error:
        cause, message = _server_error(outcome)
        run.failures.append(target.failure(cause, "", "baseline", message))
    elif values is not None:
        run.submitters[name][role] = outcome.answer.written
        # The full corpus once per form; each further role that may submit it gets one
        # payload of each kind (the code behind a form is the same for every role).
        first = len(run.submitters[name]) == 1
        _fuzz_form(target, values, file_spec, reduced=not first)
        if first and form.hx_action:
            htmx = Target(portal, run, role, form, htmx=True, files=files)
            outcome = htmx.submit(values)
            failures = _judge(htmx, outcome, field_name="", label="baseline", reject="")
            if not outcome.accepted:
                cause = "the baseline is accepted without htmx but not with it"
                failures.append(htmx.failure(cause, "", "baseline", _describe_errors(outcome)))
            htmx.record(outcome, failures)
            _fuzz_form(htmx, values, file_spec, reduced=True)
    elif outcome.answer.status in REFUSED:
        run.refused_roles[name].add(role)
        if offered:
            cause = "the form is offered, but posting it is refused"
            run.failures.append(target.failure(cause, "", "baseline", _describe_errors(outcome)))
    elif offered:
        cause = "no valid submission found for the form (the walk's baseline)"
        run.failures.append(target.failure(cause, "", "baseline", _describe_errors(outcome)))
    else:
        # A role no page offered the form to got past the access check and was stopped by
        # the validation of a baseline built for another role's page: noted, not judged.
        run.unjudged[name].add(role)


@pytest.fixture(scope="module")
def fuzz_run(portal, request) -> FuzzRun:
    start = time.perf_counter()
    run = FuzzRun()
    for name, by_role in sorted(_forms_by_action(portal.walk).items()):
        first_form = next(iter(by_role.values()))
        for role in portal.clients:
            _fuzz_as(portal, run, name, role, by_role.get(role, first_form), role in by_role)
    run.seconds = time.perf_counter() - start
    gather(request.config, "fuzz-forms", _write_report(portal, run))
    return run


# --- the report ---------------------------------------------------------------------------------


def _grouped(failures: list[Failure]) -> str:
    by_cause: dict[str, list[Failure]] = defaultdict(list)
    for failure in failures:
        by_cause[failure.cause].append(failure)
    lines = []
    for cause, items in sorted(by_cause.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        lines.append(f"\n{cause} ({len(items)}):")
        lines += [f"  - {item.line()}" for item in items]
    return "\n".join(lines)


def _write_report(portal: Portal, run: FuzzRun) -> list[str]:
    """Write the report; return its summary (printed at the end of the run)."""
    total = sum(s.submissions for s in run.stats.values())
    errors = sum(s.server_errors for s in run.stats.values())
    summary = [
        f"{len(run.stats)} forms fuzzed ({len(_forms_by_action(portal.walk))} URL patterns), "
        f"{total} submissions, {errors} server errors, {len(run.failures)} problems "
        f"({run.seconds:.1f} s; the walk before it visited {len(portal.walk.pages)} pages in "
        f"{portal.walk.seconds:.1f} s).",
        f"{'form':40} {'roles':32} {'fields':>6} {'posted':>6} {'5xx':>4} "
        f"{'refused':>7} {'accepted':>8} {'problems':>8}",
    ]
    for name, stats in sorted(run.stats.items()):
        summary.append(
            f"{name:40} {','.join(sorted(stats.roles)):32} {stats.fields:>6} "
            f"{stats.submissions:>6} {stats.server_errors:>4} {stats.refused:>7} "
            f"{stats.accepted:>8} {stats.failures:>8}"
        )
    lines = [*summary, ""]
    for name in sorted(run.refused_roles):
        lines.append(f"{name}: refused for {', '.join(sorted(run.refused_roles[name]))}")
    for name in sorted(run.unjudged):
        lines.append(f"{name}: past the access check without being offered the form: "
                     f"{', '.join(sorted(run.unjudged[name]))}")  # fmt: skip
    lines.append("\nThe slowest submissions:")
    for seconds, what in sorted(run.timings, reverse=True)[:8]:
        lines.append(f"  {seconds:6.2f} s  {what}")
    if run.failures:
        lines.append("\nProblems, by cause:" + _grouped(run.failures))
    ARTIFACTS.mkdir(exist_ok=True)
    REPORT_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return summary


# --- the tests ---------------------------------------------------------------------------------


def test_it_finds_the_form_of_every_url_that_takes_input(portal):
    """Every URL pattern that takes POST (by its method decorator, or because its view reads
    the posted data) is the target of a form the walk found on some page."""
    targets = set(_forms_by_action(portal.walk))
    takes_post = set()
    for name, view in form_walk.url_patterns().items():
        if name in NOT_FUZZED or name.startswith("admin:"):
            continue
        methods = form_walk.allowed_methods(view)
        if methods is not None and "POST" in methods:
            takes_post.add(name)
    takes_post |= form_walk.reads_posted_data(portal.clients, portal.walk, tables=portal.tables)
    missing = sorted(takes_post - targets - set(NOT_FUZZED))

    assert len(targets) >= 20, f"the walk found only {sorted(targets)}"
    assert not missing, f"no page has a form that posts to {missing}"


def test_no_form_gives_a_server_error_or_keeps_what_it_refuses(fuzz_run):
    failures = fuzz_run.failures

    assert sum(s.submissions for s in fuzz_run.stats.values()) > 1000
    assert not failures, (
        f"{len(failures)} problems in {len(fuzz_run.stats)} forms "
        f"(the full list is in {REPORT_FILE}):" + _grouped(failures)
    )


def test_bfu_writes_nothing_but_its_own_account(fuzz_run):
    """BFU reads, never writes: a form BFU may submit (its own password, its notifications read
    and how they are e-mailed) writes only its own account; and the walk did reach the access
    checks (some form is refused to BFU)."""
    account = {
        User._meta.db_table,
        Notification._meta.db_table,
        NotificationPreference._meta.db_table,
    }
    bfu_writes = {
        name: written
        for name, roles in fuzz_run.submitters.items()
        if "bfu" in roles
        for written in [roles["bfu"]]
        if {entry.split()[-1] for entry in written} - account
    }
    refused_to_bfu = [name for name, roles in fuzz_run.refused_roles.items() if "bfu" in roles]

    assert not bfu_writes, f"BFU could write: {bfu_writes}"
    assert len(refused_to_bfu) >= 10
