"""The "Bilag" section of the tiltag, investment and decision pages (omstilling/panels.py), kept
rendered until a document, a withdrawal or a user's name changes: the same for every viewer of
the role who may (or may not) attach documents in the plan. The withdraw links are links to a
form page, not forms: no CSRF token in the section."""

from django.http import HttpRequest

from documents import selectors
from documents.access import can_attach, can_read_target
from omstilling.cache import Family
from omstilling.models import Role
from omstilling.panels import register_panel


def _key(request: HttpRequest, obj) -> dict | None:
    if not can_read_target(request.user, obj):
        return None
    # Who sees a withdrawn document's file goes with the role, which is in every key.
    return {"attach": int(can_attach(request.user, plan_id=obj.plan_id))}


def _context(field: str, target: str):
    def context(request: HttpRequest, obj) -> dict | None:
        if not can_read_target(request.user, obj):
            return None
        documents, total = selectors.documents_of(field=field, obj=obj)
        return {
            "documents": documents,
            "total": total,
            "more": total - len(documents),
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
