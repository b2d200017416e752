"""HTML kept rendered in the cache (omstilling.cache.cached_fragment) is fetched and sent on every
request: what the templates' indentation adds to it is paid for each time."""

import re

# A run of blanks that holds a line break: the templates' indentation and empty lines. Spelled
# out rather than `\s`, which would also take a no-break space that belongs to the text.
_INDENTATION = re.compile(r"[ \t\r]*\n[ \t\r\n]*")
# Where a line's leading blanks are part of what is shown or run.
_VERBATIM = re.compile(r"<(pre|textarea|script)\b", re.IGNORECASE)


def compact_html(html: str) -> str:
    """`html` with every run of blanks that holds a line break made one line break. A browser
    shows both alike (outside <pre> and <textarea>, left as they are, with <script>), so this
    only makes the fragment smaller."""
    if _VERBATIM.search(html):
        return html
    return _INDENTATION.sub("\n", html)
