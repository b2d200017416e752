"""The hyphenate filter: soft hyphens in a heading's long words, in the page's language."""

from django.template import Context, Template
from django.utils import translation

SHY = "\u00ad"


def _render(text, language="da") -> str:
    with translation.override(language):
        return Template("{% load portal %}{{ text|hyphenate }}").render(Context({"text": text}))


def test_it_puts_soft_hyphens_between_the_syllables_of_long_words_only():
    html = _render("Fælles kompetenceudviklingsforløb i dagtilbud")

    syllables = ["kom", "pe", "ten", "ce", "ud", "vik", "lings", "for", "løb"]
    assert html == f"Fælles {SHY.join(syllables)} i dagtilbud"
    assert html.replace(SHY, "") == "Fælles kompetenceudviklingsforløb i dagtilbud"


def test_it_escapes_the_text_and_never_breaks_an_entity():
    html = _render("<b>Omstillingsplanen</b> & Tilgængelighedserklæringen")

    assert html.startswith("&lt;b&gt;Om") and "&amp; Til" in html
    assert html.replace(SHY, "") == (
        "&lt;b&gt;Omstillingsplanen&lt;/b&gt; &amp; Tilgængelighedserklæringen"
    )


def test_it_uses_the_pages_language():
    danish, english = _render("Transformationsplanen"), _render("Transformationsplanen", "en")

    assert SHY in danish and SHY in english
    assert danish != english  # each language's own rules


def test_it_leaves_short_words_and_numbers_alone():
    assert _render("Spor 1 · Tiltag 20252026202620272028") == "Spor 1 · Tiltag 20252026202620272028"
