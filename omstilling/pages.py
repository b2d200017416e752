"""Long lists in pages of 50: one paginator for every list that grows with the data, so that a
page renders a bounded number of rows whatever the data size. The page number lives in the
query string beside the list's filters (`?spor=2&side=3`), so a page can be linked and the
filters are kept from page to page (`templates/includes/pagination.html`)."""

import copy
from collections.abc import Iterable

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, QueryDict

PER_PAGE = 50
PAGE_PARAM = "side"
# A list's query parameter longer than this is cut (a search box allows far less).
PARAM_LENGTH = 200
# The most values of one list parameter kept (a multiple choice filter has fewer choices).
MAX_VALUES = 50
# The page numbers shown around the current one; the first and last are always shown.
WINDOW = 2


def paginate(request: HttpRequest, items, *, per_page: int = PER_PAGE) -> Page:
    """The page of `items` the query string asks for; a page number out of range or not a
    number gives the nearest page (`get_page`), never an error. Two queries for a queryset:
    the count and the page's rows."""
    return Paginator(items, per_page).get_page(request.GET.get(PAGE_PARAM))


def page_numbers(current: int, last: int) -> list[int | None]:
    """The numbers to link, with None where pages are left out: 1 … 4 5 [6] 7 8 … 20."""
    shown = sorted({1, last, *range(max(1, current - WINDOW), min(last, current + WINDOW) + 1)})
    numbers: list[int | None] = []
    for n in shown:
        if numbers and n - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers


def list_query(request: HttpRequest, names: Iterable[str]) -> QueryDict:
    """The query string's list parameters only: `names` (the filters) and the page number, each
    value cut at PARAM_LENGTH, empty ones left out (a filter may be given several times, e.g.
    several spor; at most MAX_VALUES of each).

    For a list kept as a cached fragment (omstilling.cache.cached_fragment): the fragment is
    keyed on these and its links keep these, so another parameter in the URL neither makes a
    new cache entry nor ends up in links that are served to other viewers."""
    query = QueryDict(mutable=True)
    for name in (*names, PAGE_PARAM):
        values = [v.strip()[:PARAM_LENGTH] for v in request.GET.getlist(name)[:MAX_VALUES]]
        if values := [v for v in values if v]:
            query.setlist(name, values)
    query._mutable = False
    return query


def list_request(request: HttpRequest, names: Iterable[str]) -> HttpRequest:
    """The request as a cached list sees it: a copy whose query string holds only the list's
    parameters (`list_query`), so that the fragment's links (pages, the list's own forms) are
    the same for every request with the same key, and a stray parameter neither enters the key
    nor the HTML. Render the fragment with this request, fill it in with the real one."""
    seen = copy.copy(request)
    seen.GET = list_query(request, names)
    return seen
