"""The "Bilag" section of the tiltag, investment and decision pages (omstilling/panels.py)."""

from django.http import HttpRequest

from documents import selectors
from documents.access import can_attach, can_read_target
from omstilling.models import Role
from omstilling.panels import register_panel


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
    )
