"""omstilling.html.compact_html: the kept fragments without the templates' indentation."""

from omstilling.html import compact_html


def test_it_makes_each_run_of_blanks_with_a_line_break_one_line_break():
    html = '<ul>\n    <li><a href="/">Et</a> <span>to</span></li>\n\n    \n  </ul>\r\n'

    assert compact_html(html) == '<ul>\n<li><a href="/">Et</a> <span>to</span></li>\n</ul>\n'


def test_it_keeps_the_blanks_within_a_line_and_a_no_break_space():
    html = "<p>1\u00a0216  milepæle</p>\n\u00a0kr."

    assert compact_html(html) == "<p>1\u00a0216  milepæle</p>\n\u00a0kr."


def test_it_leaves_html_with_preformatted_text_or_a_script_as_it_is():
    for html in (
        "<pre>\n  a\n    b</pre>\n  ",
        "<textarea>\n  x</textarea>",
        "<script>\n  1</script>",
    ):
        assert compact_html(html) == html
