"""The "Bilag" section of the tiltag, investment and decision pages (omstilling/panels.py), kept
rendered until a document, a withdrawal or a user's name changes: the same for every viewer of
the role who may (or may not) attach documents in the plan. The withdraw links are links to a
form page, not forms: no CSRF token in the section."""

import types

from django.http import HttpRequest, QueryDict

from documents import selectors
from documents.access import can_attach, can_read_target
from omstilling.cache import Family
from omstilling.models import Role
from omstilling.panels import register_panel

# The page of the documents in the query string of the page that shows them.
PAGE_PARAM = "bilag"


def _page(request: HttpRequest) -> int:
    try:
        number = int(request.GET.get(PAGE_PARAM) or 1)
    except ValueError:
        return 1
    return min(max(number, 1), 10**6)


def _key(request: HttpRequest, obj) -> dict | None:
    if not can_read_target(request.user, obj):
        return None
    # Who sees a withdrawn document's file goes with the role, which is in every key.
    return {"attach": int(can_attach(request.user, plan_id=obj.plan_id)), "page": _page(request)}


def _context(field: str, target: str):
    def context(request: HttpRequest, obj) -> dict | None:
        if not can_read_target(request.user, obj):
            return None
        page = _page(request)
        # The pagination's links keep the page number only: the same key, the same HTML.
        canonical = types.SimpleNamespace(
            GET=QueryDict(f"{PAGE_PARAM}={page}" if page > 1 else ""), path=request.path
        )
        return {
            "documents": selectors.documents_of(field=field, obj=obj, page=page),
            "request": canonical,
            "target": target,
            "can_attach": can_attach(request.user, plan_id=obj.plan_id),
            "sees_withdrawn_files": request.user.role == Role.CHEFGRUPPE,
        }

    return context


for label, field, target in (
    ("tracks.Initiative", "initiative", "tiltag"),
    ("investments.Investment", "investment", "investering"),
    ("decisions.Decision", "decision", "beslutning"),
):
    register_panel(
        label,
        name="documents",
        template="documents/includes/panel.html",
        context=_context(field, target),
        order=20,
        families=(Family.RECORDS, Family.CORE),
        key=_key,
    )
