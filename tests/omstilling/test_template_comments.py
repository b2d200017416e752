"""Django's `{# … #}` comment ends on its own line: one left open runs into the page (or the
committee paper) as text. Longer comments are `{% comment %}…{% endcomment %}`."""

import re

from tests.omstilling.test_i18n import BASE_DIR, TEMPLATES

OPEN_COMMENT = re.compile(r"\{#(?!.*?#\})")


def unclosed_comments(source: str) -> list[int]:
    """Line numbers (from 1) on which a `{#` comment is not closed on the same line."""
    return [n for n, line in enumerate(source.splitlines(), 1) if OPEN_COMMENT.search(line)]


def test_the_check_finds_a_comment_over_two_lines():
    assert unclosed_comments("{# one #}\n<p>{# two\n three #}</p>\n{# four #}{# five #}") == [2]


def test_no_template_has_a_one_line_comment_over_several_lines():
    found = {
        name: lines
        for name in TEMPLATES
        if (lines := unclosed_comments((BASE_DIR / name).read_text(encoding="utf-8")))
    }
    assert found == {}
