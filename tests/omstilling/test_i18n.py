"""Every UI string goes through Django i18n; Danish is the default, English the translation.

Danish is the source language (the msgids), so Danish output never depends on a catalogue. The
English catalogue lives in locale/en. These tests check that:

- no template shows text outside {% translate %}/{% blocktranslate %} (a short, commented
  allow-list aside);
- every msgid in the English catalogue is translated and none is fuzzy, and the catalogue is up
  to date with the code (makemessages finds nothing new), and it compiles cleanly;
- with English active, pages, forms and exports come out in English (the portal itself always
  serves Danish: LocaleMiddleware is not installed on purpose).
"""

import ast
import datetime as dt
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

BASE_DIR = Path(django_settings.BASE_DIR)
PO_FILE = BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
# Top-level folders that hold no source of ours (the same as makemessages is told to ignore).
NOT_OURS = {
    ".venv",
    "node_modules",
    "static",
    "staticfiles",
    "media",
    "tests",
    "locale",
    "test-artifacts",
}

# --- Templates: no untranslated text ------------------------------------------------------------

ALL = "*"
# Untranslated text that may stand in a template, per file, each with its reason. Keep it short.
ALLOWED = {
    # Django's server_error view renders it with an empty context, and it must render even when
    # what failed is the template or translation machinery itself: plain Danish HTML, no tags.
    "templates/500.html": {ALL},
    # Example cells of the import file's format: values the importer reads literally (data).
    "visitation/templates/visitation/counts.html": {"Skole A (demo)", "skole"},
}

# Attributes whose values people see or hear (tooltips, screen readers, confirmations).
VISIBLE_ATTRIBUTES = {
    "title",
    "alt",
    "placeholder",
    "label",
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-valuetext",
    "hx-confirm",
    "hx-prompt",
    "data-confirm",
}
DANISH = re.compile(
    r"[æøåÆØÅ]|\b(?:og|af|til|ikke|er|for|med|den|det|på|ingen|eller|skal|kan)\b", re.IGNORECASE
)
# Any word of two letters or more: stricter than DANISH, so that "Gem" or "Spor" is caught too.
WORD = re.compile(r"[^\W\d_]{2,}")

_COMMENT_BLOCK = re.compile(r"{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}", re.S)
_COMMENT = re.compile(r"{#.*?#}", re.S)
_BLOCKTRANSLATE = re.compile(
    r"{%\s*blocktrans(?:late)?\b.*?%}.*?{%\s*endblocktrans(?:late)?\s*%}", re.S
)
_TRANSLATE = re.compile(r"{%\s*trans(?:late)?\s.*?%}", re.S)
_UNDERSCORE = re.compile(r"""\b_\(\s*(?:"[^"]*"|'[^']*')\s*\)""")
_TAG_NAME_VARIABLE = re.compile(r"<(/?)\s*{{.*?}}", re.S)  # <{{ heading_tag }} class="…">
_TEMPLATE_CODE = re.compile(r"{%.*?%}|{{.*?}}", re.S)
_STRING = re.compile(r""""([^"]*)"|'([^']*)'""")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>(.*?)</\1\s*>", re.S | re.I)
_CODE = re.compile(r"<(code|kbd|samp)\b[^>]*>(.*?)</\1\s*>", re.S | re.I)
_HTML_TAG = re.compile(r"""<[A-Za-z!/?][^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""", re.S)
_ATTRIBUTE = re.compile(r"""(?<![\w-])([A-Za-z][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ENTITY = re.compile(r"&#?\w+;")


def _visible_attribute_values(text: str):
    for match in _ATTRIBUTE.finditer(text):
        if match.group(1).lower() in VISIBLE_ATTRIBUTES:
            yield match.group(2) if match.group(2) is not None else match.group(3)


def untranslated_text(source: str) -> list[str]:
    """The pieces of a template that a user would see untranslated, in order."""
    found = []
    text = _COMMENT_BLOCK.sub(" ", source)
    text = _COMMENT.sub(" ", text)
    text = _BLOCKTRANSLATE.sub(" ", text)
    text = _TRANSLATE.sub(" ", text)
    text = _UNDERSCORE.sub(" ", text)
    # String literals inside tags and variables ({% include … with label="…" %}, default:"…"):
    # paths, ids and formats are fine, so only Danish-looking ones count.
    for code in _TEMPLATE_CODE.finditer(text):
        for literal in _STRING.finditer(code.group()):
            value = literal.group(1) if literal.group(1) is not None else literal.group(2)
            if DANISH.search(value):
                found.append(value)
    text = _TAG_NAME_VARIABLE.sub(r"<\1tag", text)
    text = _TEMPLATE_CODE.sub(" ", text)
    text = _HTML_COMMENT.sub(" ", text)
    for element in _SCRIPT_OR_STYLE.finditer(text):
        found.extend(line.strip() for line in element.group(2).splitlines() if DANISH.search(line))
    text = _SCRIPT_OR_STYLE.sub(" ", text)
    # <code>, <kbd>, <samp>: identifiers such as file column names, not prose.
    for element in _CODE.finditer(text):
        if DANISH.search(element.group(2)):
            found.append(element.group(2).strip())
    text = _CODE.sub(" ", text)
    for tag in _HTML_TAG.finditer(text):
        found.extend(
            value for value in _visible_attribute_values(tag.group()) if WORD.search(value)
        )
    text = _HTML_TAG.sub(" ", text)
    # Attributes that stand in a {% block %} of their own (<body {% block body_attrs %}…).
    found.extend(value for value in _visible_attribute_values(text) if WORD.search(value))
    text = _ATTRIBUTE.sub(" ", text)
    text = _ENTITY.sub(" ", text)
    for line in text.splitlines():
        for piece in re.split(r"\s{2,}", line.strip()):
            if WORD.search(piece):
                found.append(piece)
    return found


def _template_files() -> list[Path]:
    files = [*BASE_DIR.glob("templates/**/*"), *BASE_DIR.glob("*/templates/**/*")]
    return sorted(
        path
        for path in files
        if path.suffix in {".html", ".txt", ".xml", ".svg"}
        and not NOT_OURS.intersection(path.relative_to(BASE_DIR).parts[:1])
    )


TEMPLATES = [str(path.relative_to(BASE_DIR)) for path in _template_files()]


def test_the_template_scan_finds_templates():
    assert "templates/base.html" in TEMPLATES
    assert any(name.startswith("tracks/templates/") for name in TEMPLATES)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('<p>{% translate "Gem" %}</p>', []),
        ("<p>{% blocktranslate trimmed %}Gem {{ x }}{% endblocktranslate %}</p>", []),
        ("{% comment %}Gem ikke{% endcomment %}{# Gem #}<!-- Gem -->", []),
        ('<button class="button button-primary">Gem</button>', ["Gem"]),
        ('<a href="/" title="Til forsiden">{{ x }}</a>', ["Til forsiden"]),
        ("<span aria-label='{% translate \"Luk\" %}'>×</span>", []),
        ('<img alt="Logo">', ["Logo"]),
        ('{% include "x.html" with label="Ikke gemt" %}', ["Ikke gemt"]),
        ('{% include "x.html" with label=_("Ikke gemt") %}', []),
        ('<{{ tag|default:"h2" }} class="h5">{{ label }}</{{ tag|default:"h2" }}>', []),
        ('{% block body_attrs %}hx-history="false"{% endblock %}', []),
        ("<td><code>kvartal</code></td><td>2026-K3</td><td>12 %</td>", []),
    ],
)
def test_the_scanner_tells_translated_from_untranslated_text(source, expected):
    assert untranslated_text(source) == expected


@pytest.mark.parametrize("name", TEMPLATES)
def test_no_template_shows_untranslated_text(name):
    allowed = ALLOWED.get(name, set())
    if ALL in allowed:
        return
    found = [
        text for text in untranslated_text((BASE_DIR / name).read_text()) if text not in allowed
    ]

    assert not found, (
        f"{name} shows text outside {{% translate %}}/{{% blocktranslate %}}: {found}. Wrap it, "
        "then run makemessages and translate it in locale/en (or allow-list data in this test)."
    )


def test_the_allow_list_names_existing_templates_and_text():
    for name, allowed in ALLOWED.items():
        source = (BASE_DIR / name).read_text()
        assert all(text == ALL or text in source for text in allowed), name


# --- The English catalogue ----------------------------------------------------------------------


def _po_entries(path: Path) -> list[dict]:
    """The live entries of a PO file: {"flags": set, "msgid": …, "msgstr": … / "msgstr[0]": …}."""
    entries, entry, key = [], None, None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if entry and "msgid" in entry:  # an obsolete entry's flags alone are no entry
                entries.append(entry)
            entry = None
            continue
        if line.startswith("#~"):  # obsolete: not compiled
            continue
        entry = entry if entry is not None else {"flags": set()}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, rest = line.partition(" ")
            entry[key] = ast.literal_eval(rest)
    return entries


def _translations(entry: dict) -> list[str]:
    return [value for key, value in entry.items() if key.startswith("msgstr")]


def _placeholders(text: str) -> Counter:
    return Counter(re.findall(r"%\(\w+\)[sdif]|%[sdif]|%%|{{.*?}}", text))


@pytest.fixture(scope="module")
def catalogue():
    entries = _po_entries(PO_FILE)
    header = next(entry for entry in entries if entry["msgid"] == "")
    return header, [entry for entry in entries if entry["msgid"] != ""]


def test_the_english_catalogue_has_a_clean_header(catalogue):
    header, _ = catalogue
    assert "fuzzy" not in header["flags"]
    assert "Language: en\n" in header["msgstr"]
    assert "charset=UTF-8" in header["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"]


def test_every_msgid_is_translated_and_none_is_fuzzy(catalogue):
    _, entries = catalogue
    assert len(entries) > 500
    fuzzy = [entry["msgid"] for entry in entries if "fuzzy" in entry["flags"]]
    untranslated = [
        entry["msgid"] for entry in entries if not all(t.strip() for t in _translations(entry))
    ]

    assert not fuzzy, f"fuzzy entries in {PO_FILE.name}: {fuzzy}"
    assert not untranslated, f"untranslated entries in {PO_FILE.name}: {untranslated}"


def test_translations_keep_the_placeholders(catalogue):
    _, entries = catalogue
    wrong = []
    for entry in entries:
        if "msgid_plural" in entry:
            pairs = [
                (entry["msgid"], entry["msgstr[0]"]),
                (entry["msgid_plural"], entry["msgstr[1]"]),
            ]
        else:
            pairs = [(entry["msgid"], entry["msgstr"])]
        wrong += [msgid for msgid, msgstr in pairs if _placeholders(msgid) != _placeholders(msgstr)]

    assert not wrong


def _require(program: str) -> None:
    if shutil.which(program) is None:
        pytest.skip(f"GNU gettext ({program}) is not installed")


def test_msgfmt_check_passes():
    _require("msgfmt")
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(PO_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr.lower(), result.stderr


@pytest.fixture(scope="module")
def compiled_locale(tmp_path_factory):
    """compilemessages on a copy of locale/ (the working tree is left alone)."""
    _require("msgfmt")
    root = tmp_path_factory.mktemp("i18n")
    locale = root / "locale"
    shutil.copytree(BASE_DIR / "locale", locale, ignore=shutil.ignore_patterns("*.mo"))
    with pytest.MonkeyPatch.context() as patch, override_settings(LOCALE_PATHS=[str(locale)]):
        patch.chdir(root)  # compilemessages also compiles ./locale
        call_command("compilemessages", verbosity=0)
    return locale


def test_compilemessages_runs_clean(compiled_locale):
    assert (compiled_locale / "en" / "LC_MESSAGES" / "django.mo").stat().st_size > 10_000


def _copy_sources(target: Path) -> None:
    """The files makemessages reads (.py, .html, .txt), without the folders it is told to skip."""

    def ignore(directory: str, names: list[str]) -> list[str]:
        top = Path(directory) == BASE_DIR
        skipped = []
        for name in names:
            if (Path(directory) / name).is_dir():
                if (
                    name.startswith(".")
                    or name == "__pycache__"
                    or name.endswith(".egg-info")
                    or (top and name in NOT_OURS)
                ):
                    skipped.append(name)
            elif not name.endswith((".py", ".html", ".txt")):
                skipped.append(name)
        return skipped

    shutil.copytree(BASE_DIR, target, ignore=ignore, dirs_exist_ok=True)


def test_the_catalogue_is_up_to_date_with_the_code(tmp_path, settings, monkeypatch):
    """makemessages over the code finds no msgid that the catalogue does not translate."""
    _require("xgettext")
    _copy_sources(tmp_path)
    po = tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    shutil.copy(PO_FILE, po)
    monkeypatch.chdir(tmp_path)
    settings.LOCALE_PATHS = [str(tmp_path / "locale")]

    call_command("makemessages", locale=["en"], verbosity=0)

    ours = {e["msgid"] for e in _po_entries(PO_FILE) if e["msgid"]}
    fresh = [e for e in _po_entries(po) if e["msgid"]]
    new = [e["msgid"] for e in fresh if e["msgid"] not in ours]
    untranslated = [
        e["msgid"]
        for e in fresh
        if "fuzzy" in e["flags"] or not all(t.strip() for t in _translations(e))
    ]
    assert not new and not untranslated, (
        "Strings in the code are missing from locale/en: run `make messages` (makemessages -l en) "
        f"and translate them: {sorted(set(new + untranslated))}"
    )
    gone = ours - {e["msgid"] for e in fresh}
    assert not gone, f"locale/en has msgids the code no longer uses; run makemessages: {gone}"


# --- English output -----------------------------------------------------------------------------


@pytest.fixture
def english(settings, compiled_locale):
    """English active, with the freshly compiled catalogue (setting_changed resets the caches)."""
    settings.LOCALE_PATHS = [str(compiled_locale)]
    with translation.override("en"):
        yield


@pytest.fixture
def english_client(client, settings, compiled_locale):
    """A browser that chose English in the footer (the language cookie)."""
    settings.LOCALE_PATHS = [str(compiled_locale)]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_danish_is_served_by_default(client, chef, initiative):
    client.force_login(chef)

    html = client.get(reverse("tracks:initiative_list")).content.decode()

    assert '<html lang="da">' in html
    assert "Log af" in html
    assert "Gå til sidens indhold" in html


@pytest.mark.django_db
def test_the_log_in_page_comes_out_in_english(english_client):
    html = english_client.get(reverse("login")).content.decode()

    assert '<html lang="en">' in html
    assert "Skip to main content" in html
    assert "Log in to follow the transition plan for children and young people." in html
    assert "Log ind" not in html


@pytest.mark.parametrize(
    ("url_name", "expected"),
    [
        (
            "tracks:overview",
            ["How a track’s progress is calculated:", "A track’s progress is the average"],
        ),
        ("tracks:initiative_list", ["Show initiatives", "Lead area", "All areas"]),
        ("reports:dashboard", ["Overview of the transition plan", "Milestones per quarter"]),
        ("kpis:overview", ["Key figures", "Download the tables:"]),
        ("supportsystem:directory", ["Who can help with what"]),
    ],
)
def test_pages_come_out_in_english(english_client, chef, initiative, url_name, expected, settings):
    settings.ACCESSIBILITY_STATEMENT_URL = "https://www.was.digst.dk/eksempel"
    english_client.force_login(chef)

    response = english_client.get(reverse(url_name))
    html = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="en">' in html
    for text in ["Log out", "Main menu", "Initiatives", "Accessibility statement", *expected]:
        assert text in html, text
    for danish in ["Log af", "Hovedmenu", "Tilgængelighedserklæring", "Gå til sidens indhold"]:
        assert danish not in html, danish


def test_forms_choices_and_exports_come_out_in_english(english):
    from tracks.exports import HEADERS
    from tracks.forms import StatusUpdateForm
    from tracks.models import Health, WorkState

    form = StatusUpdateForm()

    assert str(WorkState.I_GANG.label) == "In progress"
    assert str(Health.GUL.label) == "Amber – at risk"
    assert [str(header) for header in HEADERS[:3]] == ["Track", "Theme", "Initiatives"]
    assert "Status description" in [str(field.label) for field in form.fields.values()]
    assert translation.gettext("Log af") == "Log out"
    assert translation.ngettext("%(days)s dag", "%(days)s dage", 2) % {"days": 2} == "2 days"


# --- The language choice (footer) -------------------------------------------------------------


def test_a_browser_in_english_still_gets_danish(client, chef):
    """Only the user's own choice switches the language, not the browser's Accept-Language."""
    client.force_login(chef)

    response = client.get(reverse("tracks:overview"), headers={"Accept-Language": "en-GB,en"})
    html = response.content.decode()

    assert '<html lang="da">' in html
    assert "Log af" in html
    assert response["Content-Language"] == "da"
    # The footer offers English, marked as English for screen readers.
    assert 'name="language" value="en" lang="en" class="function-link">English</button>' in html


def test_choosing_english_in_the_footer_switches_the_portal(
    client, chef, settings, compiled_locale
):
    settings.LOCALE_PATHS = [str(compiled_locale)]
    client.force_login(chef)
    page = reverse("tracks:initiative_list") + "?spor=1"

    response = client.post(reverse("set_language"), {"language": "en", "next": page})

    assert response.status_code == 302
    assert response["Location"] == page  # back where the user was, filters kept
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    english = client.get(page)
    html = english.content.decode()
    assert '<html lang="en">' in html
    assert english["Content-Language"] == "en"
    assert "Log out" in html and "Log af" not in html
    assert 'value="da" lang="da" class="function-link">Dansk</button>' in html

    client.post(reverse("set_language"), {"language": "da", "next": page})
    assert '<html lang="da">' in client.get(page).content.decode()


@pytest.mark.django_db
def test_the_language_choice_works_before_log_in_and_refuses_foreign_targets(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"  # never to another site
    assert client.get(reverse("login")).content.decode().count('<html lang="en">') == 1


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_danish(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"

    response = client.get(reverse("login"))

    assert '<html lang="da">' in response.content.decode()
    assert response["Content-Language"] == "da"


def test_dates_follow_the_language(english, settings):
    from django.template import Context, Template

    template = Template(
        '{% load portal %}{{ day|date:"DATE_FORMAT" }}|{{ day|weekday_date }}|'
        '{{ moment|date:"DATETIME_FORMAT" }}|{{ day|date:"SHORT_DATE_FORMAT" }}'
    )
    context = Context(
        {
            "day": dt.date(2027, 1, 4),
            "moment": dt.datetime(2026, 11, 24, 14, 30, tzinfo=dt.UTC),
        }
    )

    assert template.render(context) == (
        "4 January 2027|Monday 4 January 2027|24 November 2026, 15:30|04/01/2027"
    )
    with translation.override("da"):
        assert template.render(context) == (
            "4. januar 2027|mandag 4. januar 2027|24. november 2026 kl. 15.30|04.01.2027"
        )
