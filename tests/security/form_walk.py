"""Finding the portal's forms by walking it, and posting to them without leaving a trace.

- `parse_html` builds a small element tree with the standard library's HTML parser (enough
  for the portal's own, well-formed markup); `forms_in` reads the POST forms of a page
  (`<form method="post">` and htmx `hx-post` forms) with their fields as a browser sees them.
- `crawl` starts at "/" as each role, follows the links of every page (at most a few URLs per
  URL pattern and role), and records the pages, the forms and where a role was refused.
- `post_and_roll_back` posts inside a savepoint that is rolled back, so that every submission
  starts from the same data, and records which rows the request left written.
- `error_markup` reads how a re-rendered form shows its errors (DKFDS: a `form-error-message`
  element whose id the control's `aria-describedby` names; the summary is an `alert-error`).
"""

from __future__ import annotations

import copy
import re
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from unittest import mock
from urllib.parse import urljoin, urlsplit

from django.apps import apps
from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

# --- a small element tree ---------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class Node:
    __slots__ = ("tag", "attrs", "children", "parent")

    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None):
        self.tag = tag
        self.attrs = attrs
        self.children: list[Node | str] = []
        self.parent = parent

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child.text() if isinstance(child, Node) else child)
        return "".join(parts)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v if v is not None else "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        node = Node(tag, {k: v if v is not None else "" for k, v in attrs}, self.current)
        self.current.children.append(node)

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(text: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


# --- forms as a browser sees them --------------------------------------------------------------

DATE_TYPES = {"date", "datetime-local", "month", "week", "time"}
NUMERIC_INPUTMODES = {"numeric", "decimal"}


@dataclass
class FormField:
    """One named control (or group of radios/checkboxes) of a form."""

    name: str
    kind: str  # text, textarea, password, number, date, choice, multi, flag, hidden, file
    required: bool = False
    disabled: bool = False
    maxlength: int | None = None
    options: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)  # what the page would send as rendered

    @property
    def free_text(self) -> bool:
        return self.kind in ("text", "textarea")


@dataclass
class Form:
    page: str  # the URL of the page that shows the form
    action: str  # where a browser without JavaScript posts it
    hx_action: str  # where htmx posts it ("" for a plain form)
    hx_target: str  # the element htmx swaps the answer into ("#id")
    multipart: bool
    fields: dict[str, FormField]

    @property
    def action_name(self) -> str:
        return url_name(self.action) or "?"


def _disabled(node: Node) -> bool:
    return "disabled" in node.attrs or any(
        a.tag == "fieldset" and "disabled" in a.attrs for a in node.ancestors()
    )


def _maxlength(node: Node) -> int | None:
    value = node.attrs.get("maxlength", "")
    return int(value) if value.isdigit() else None


def _add_control(fields: dict[str, FormField], node: Node) -> None:
    name = node.attrs.get("name")
    if not name:
        return
    required, disabled = "required" in node.attrs, _disabled(node)
    if node.tag == "textarea":
        value = node.text().removeprefix("\n")  # the parser keeps the newline a browser drops
        fields[name] = FormField(
            name, "textarea", required, disabled, _maxlength(node), [], [value]
        )
    elif node.tag == "select":
        options = [
            (o.attrs["value"] if "value" in o.attrs else o.text().strip(), "selected" in o.attrs)
            for o in node.iter()
            if o.tag == "option"
        ]
        multiple = "multiple" in node.attrs
        chosen = [v for v, selected in options if selected]
        if not chosen and not multiple and options:
            chosen = [options[0][0]]  # a browser sends the first option when none is selected
        kind = "multi" if multiple else "choice"
        values = [v for v, _selected in options]
        fields[name] = FormField(name, kind, required, disabled, None, values, chosen)
    elif node.tag == "input":
        kind = node.attrs.get("type", "text").lower()
        value = node.attrs.get("value", "")
        if kind in ("submit", "button", "reset", "image"):
            return
        if kind in ("radio", "checkbox"):
            group = fields.get(name)
            if group is None:
                group = fields[name] = FormField(
                    name, "choice" if kind == "radio" else "multi", required, disabled
                )
            group.required |= required
            group.options.append(value if "value" in node.attrs else "on")
            if "checked" in node.attrs:
                group.values.append(group.options[-1])
            return
        if kind == "hidden":
            fields[name] = FormField(name, "hidden", False, disabled, None, [], [value])
        elif kind == "file":
            fields[name] = FormField(name, "file", required, disabled)
        elif kind == "number" or node.attrs.get("inputmode") in NUMERIC_INPUTMODES:
            fields[name] = FormField(
                name, "number", required, disabled, _maxlength(node), [], [value] if value else []
            )
        elif kind == "password":
            fields[name] = FormField(name, "password", required, disabled, _maxlength(node))
        elif kind in DATE_TYPES:
            fields[name] = FormField(
                name, "date", required, disabled, None, [], [value] if value else []
            )
        else:
            fields[name] = FormField(
                name, "text", required, disabled, _maxlength(node), [], [value] if value else []
            )


def _finish(fields: dict[str, FormField]) -> None:
    """A lone checkbox without a value of its own is a yes/no flag, not a choice of several."""
    for form_field in fields.values():
        if form_field.kind == "multi" and form_field.options == ["on"]:
            form_field.kind = "flag"


def forms_in(document: Node, page: str) -> list[Form]:
    """The POST forms of a page (plain `method="post"` and htmx `hx-post`)."""
    found = []
    by_id = {}
    for node in document.iter():
        if node.tag != "form":
            continue
        method = node.attrs.get("method", "get").lower()
        hx_post = node.attrs.get("hx-post", "")
        if method != "post" and not hx_post:
            continue
        action = urljoin(page, node.attrs.get("action") or (hx_post if method != "post" else page))
        fields: dict[str, FormField] = {}
        for control in node.iter():
            if control.tag in ("input", "select", "textarea") and "form" not in control.attrs:
                _add_control(fields, control)
        form = Form(
            page=page,
            action=action,
            hx_action=urljoin(page, hx_post) if hx_post else "",
            hx_target=next(
                (n.attrs["hx-target"] for n in (node, *node.ancestors()) if "hx-target" in n.attrs),
                "",
            ),
            multipart=node.attrs.get("enctype", "") == "multipart/form-data",
            fields=fields,
        )
        found.append(form)
        if node.attrs.get("id"):
            by_id[node.attrs["id"]] = form
    # Controls placed outside their form and tied to it by its id (form="…").
    for node in document.iter():
        owner = by_id.get(node.attrs.get("form", ""))
        if owner and node.tag in ("input", "select", "textarea"):
            _add_control(owner.fields, node)
    for form in found:
        _finish(form.fields)
    return found


# --- how a re-rendered form shows its errors ------------------------------------------------------

# The summary's pointer to the marked fields: not a message of its own.
GENERIC_SUMMARY = {"Ret de markerede felter."}


@dataclass
class ErrorMarkup:
    marked: dict[str, list[str]]  # field name → the error texts tied to it
    untied: list[str]  # error messages no control points to
    summary: list[str]  # the texts of the error summary (non-field errors)
    warnings: list[str]  # the texts of warnings (a conflict with someone else's change)

    @property
    def any(self) -> bool:
        return bool(self.marked or self.untied or self.summary or self.warnings)

    @property
    def specific_summary(self) -> list[str]:
        """What the summary and the warnings say beyond "correct the marked fields"."""
        return [text for text in self.summary + self.warnings if text not in GENERIC_SUMMARY]


def _named_controls(node: Node) -> list[str]:
    if node.attrs.get("name"):
        return [node.attrs["name"]]
    return [c.attrs["name"] for c in node.iter() if c.attrs.get("name") and c is not node]


def error_markup(document: Node) -> ErrorMarkup:
    messages = {}
    untied = []
    for node in document.iter():
        # DKFDS error messages; Django's default `errorlist` too, should a template use it.
        if node.classes & {"form-error-message", "errorlist"}:
            text = " ".join(node.text().split())
            if node.attrs.get("id"):
                messages[node.attrs["id"]] = text
            else:
                untied.append(text)
    marked: dict[str, list[str]] = {}
    tied = set()
    for node in document.iter():
        described = node.attrs.get("aria-describedby", "").split()
        for error_id in described:
            if error_id in messages:
                names = _named_controls(node)
                for name in names:
                    marked.setdefault(name, []).append(messages[error_id])
                if names:
                    tied.add(error_id)
    untied += [text for error_id, text in messages.items() if error_id not in tied]
    summary, warnings = [], []
    for node in document.iter():
        # The error summary (or a message after a redirect); a conflict is told in a warning
        # that is an alert (a warning that is a note or a status is no refusal).
        kind = summary if "alert-error" in node.classes else None
        if "alert-warning" in node.classes and node.attrs.get("role") == "alert":
            kind = warnings
        if kind is None:
            continue
        for part in node.iter():
            if part.tag in ("p", "li") and "alert-heading" not in part.classes:
                text = " ".join(part.text().split())
                if text and (part.tag == "li" or "alert-text" in part.classes):
                    kind.append(text)
    return ErrorMarkup(marked, untied, summary, warnings)


# --- the URL patterns -----------------------------------------------------------------------------


def url_name(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


def url_patterns() -> dict[str, object]:
    """Every named URL pattern of the root URLconf → its view callable."""
    found = {}

    def walk(patterns, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = ":".join(p for p in (namespace, entry.namespace) if p)
                walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                found[f"{namespace}:{entry.name}" if namespace else entry.name] = entry.callback

    walk(get_resolver().url_patterns, "")
    return found


def allowed_methods(view) -> set[str] | None:
    """The methods a view is restricted to (require_POST, require_http_methods, a class-based
    view's handlers), or None when it does not restrict them."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
    layer = view
    while layer is not None:
        # require_http_methods keeps the list in its wrapper's closure.
        code, cells = getattr(layer, "__code__", None), getattr(layer, "__closure__", None) or ()
        names = code.co_freevars if code else ()
        closure = {name: cell.cell_contents for name, cell in zip(names, cells, strict=True)}
        if "request_method_list" in closure:
            return {m.upper() for m in closure["request_method_list"]}
        layer = getattr(layer, "__wrapped__", None)
    return None


# --- walking the portal ---------------------------------------------------------------------------


@dataclass
class Walk:
    pages: dict[tuple[str, str], int] = field(default_factory=dict)  # (role, url) → status
    forms: list[tuple[str, Form]] = field(default_factory=list)  # (role, form)
    seconds: float = 0.0


def _same_site(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.netloc or parts.netloc == "testserver"


def _links(document: Node, page: str) -> list[str]:
    """Where the page's links lead; not file downloads (`<a download>`), which are no pages."""
    found = []
    for node in document.iter():
        if "download" in node.attrs:
            continue
        for attr in ("href", "hx-get"):
            target = node.attrs.get(attr)
            if target and not target.startswith(("#", "mailto:", "javascript:")):
                found.append(urljoin(page, target).split("#")[0])
    return found


def crawl(
    clients: dict[str, Client],
    *,
    start: list[str],
    skip: set[str],
    skip_prefixes: tuple[str, ...],
    per_pattern: int,
) -> Walk:
    """Follow every link from the start URLs as each role; at most `per_pattern` URLs of each
    pattern (the start URLs aside)."""
    walk = Walk()
    began = time.perf_counter()
    for role, client in clients.items():
        queue, seen, per_name = list(start), set(start), {}
        while queue:
            url = queue.pop(0)
            response = client.get(url)
            walk.pages[(role, url)] = response.status_code
            targets = []
            if response.status_code in (301, 302) and _same_site(response["Location"]):
                targets.append(urljoin(url, response["Location"]))
            elif response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                document = parse_html(response.content.decode())
                walk.forms += [(role, form) for form in forms_in(document, url)]
                targets += _links(document, url)
            for target in targets:
                path = urlsplit(target).path
                name = url_name(target)
                relative = target.removeprefix("http://testserver")
                if (
                    relative in seen
                    or not _same_site(target)
                    or name is None
                    or name in skip
                    or path.startswith(skip_prefixes)
                    or per_name.get(name, 0) >= per_pattern
                ):
                    continue
                seen.add(relative)
                per_name[name] = per_name.get(name, 0) + 1
                queue.append(relative)
    walk.seconds = time.perf_counter() - began
    return walk


def reads_posted_data(clients: dict[str, Client], walk: Walk, *, tables: set[str]) -> set[str]:
    """The URL patterns whose view, not restricted to some methods, reads what is posted to it
    (request.POST or request.FILES): each is POSTed once, as a role that could GET it."""
    patterns = url_patterns()
    read: set[str] = set()
    probed: set[str] = set()
    original = WSGIRequest._load_post_and_files

    def recording(request):
        read.add(request.resolver_match.view_name if request.resolver_match else "?")
        return original(request)

    for (role, url), status in walk.pages.items():
        name = url_name(url)
        if status != 200 or name in probed or allowed_methods(patterns.get(name)) is not None:
            continue
        probed.add(name)
        with mock.patch.object(WSGIRequest, "_load_post_and_files", recording):
            post_and_roll_back(
                clients[role], url, {"probe": "1"}, content_type=None, headers={}, tables=tables
            )
    return read & probed


# --- posting without leaving a trace ----------------------------------------------------------


def project_tables() -> set[str]:
    """The tables of the portal's own apps (history tables included)."""
    base = str(settings.BASE_DIR)
    tables = set()
    for config in apps.get_app_configs():
        if config.path.startswith(base) and "/.venv/" not in config.path:
            for model in config.get_models(include_auto_created=True):
                tables.add(model._meta.db_table)
    return tables


_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_SAVEPOINT = re.compile(
    r'^\s*(SAVEPOINT|ROLLBACK TO SAVEPOINT|RELEASE SAVEPOINT)\s+"?(\w+)"?', re.IGNORECASE
)


class WriteRecorder:
    """Records writes to the given tables, forgetting those a savepoint rollback undid."""

    def __init__(self, tables: set[str]):
        self.tables = tables
        self.writes: list[tuple[str, str]] = []  # (statement kind, table)
        self.marks: dict[str, int] = {}

    def __call__(self, execute, sql, params, many, context):
        savepoint = _SAVEPOINT.match(sql)
        if savepoint:
            verb, name = savepoint.group(1).upper(), savepoint.group(2)
            if verb == "SAVEPOINT":
                self.marks[name] = len(self.writes)
            elif verb == "ROLLBACK TO SAVEPOINT" and name in self.marks:
                del self.writes[self.marks[name] :]
        else:
            write = _WRITE.match(sql)
            if write and write.group(2) in self.tables:
                self.writes.append((write.group(1).split()[0].upper(), write.group(2)))
        return execute(sql, params, many, context)

    @property
    def persisted(self) -> list[str]:
        return sorted({f"{verb} {table}" for verb, table in self.writes})


class SubmissionTimeout(Exception):
    """Raised inside a request that runs longer than the walk allows."""


@dataclass
class Answer:
    status: int
    location: str
    html: str
    exception: BaseException | None
    written: list[str]
    seconds: float
    followed_html: str = ""  # the page the redirect led to, when asked for


class _Rollback(Exception):
    pass


def _timeout(signum, frame):
    raise SubmissionTimeout


def post_and_roll_back(
    client: Client,
    url: str,
    data,
    *,
    content_type: str | None,
    headers: dict[str, str],
    tables: set[str],
    follow: bool = False,
    time_limit: int = 30,
) -> Answer:
    """POST, note what stayed written, and roll everything back (the client's cookies too: a
    request that changed the session, e.g. a password change, must not log the client out)."""
    recorder = WriteRecorder(tables)
    cookies = copy.deepcopy(client.cookies)
    answer = None
    try:
        with transaction.atomic():
            previous = signal.signal(signal.SIGALRM, _timeout)
            signal.alarm(time_limit)
            start = time.perf_counter()
            try:
                with connection.execute_wrapper(recorder):
                    kwargs = {"content_type": content_type} if content_type else {}
                    response = client.post(url, data, headers=headers, **kwargs)
            finally:
                signal.alarm(0)
                signal.signal(signal.SIGALRM, previous)
            seconds = time.perf_counter() - start
            exc_info = getattr(response, "exc_info", None)
            location = response.get("Location", "")
            answer = Answer(
                status=response.status_code,
                location=location,
                html=response.content.decode(errors="replace")
                if response.get("Content-Type", "").startswith("text/html")
                else "",
                exception=exc_info[1] if exc_info else None,
                written=recorder.persisted,
                seconds=seconds,
            )
            # A redirect that wrote nothing may be a refusal told by a message on the next page.
            redirected = response.status_code in (301, 302, 303) and not recorder.persisted
            if location and _same_site(location) and (follow or redirected):
                followed = client.get(location)
                answer.followed_html = followed.content.decode(errors="replace")
            raise _Rollback
    except _Rollback:
        pass
    client.cookies = cookies
    return answer
