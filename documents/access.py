"""Who may read and attach documents. A document is read by whoever may read what it belongs to
(a tiltag: every role; an investment: the pool's readers; a decision: every role); chefgruppen
alone attaches and withdraws them, in the current plan. A withdrawn document's file is fetched
by chefgruppen only; the others see the marker."""

from django.utils.translation import gettext as _

from decisions.access import can_read_decisions, get_decision_for_user
from documents.models import Document
from investments.access import can_read_investments, get_investment_for_user
from omstilling.access import RefusedForbidden, RefusedNotFound
from omstilling.models import Role, User
from tracks.access import current_plan_pk, get_initiative_for_user

# The URL's word for what a document belongs to, and the Document field it is kept in.
TARGETS = {"tiltag": "initiative", "investering": "investment", "beslutning": "decision"}


def can_read_target(user: User, target) -> bool:
    if not (user.is_authenticated and user.is_active and user.role):
        return False
    label = target._meta.label
    if label == "investments.Investment":
        return can_read_investments(user)
    if label == "decisions.Decision":
        return can_read_decisions(user)
    return True  # plan content: every role reads it


def can_attach(user: User, *, plan_id: int) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role == Role.CHEFGRUPPE
        and plan_id == current_plan_pk(user)
    )


def get_target_for_user(user: User, target: str, pk: int, *, write: bool = False):
    """The tiltag, investment or decision a document is (to be) attached to; 403/404 as the
    thing's own helper decides, and with `write` 403 unless the user may attach."""
    if target == "tiltag":
        obj = get_initiative_for_user(user, pk)
    elif target == "investering":
        obj = get_investment_for_user(user, pk)
    elif target == "beslutning":
        obj = get_decision_for_user(user, pk)
    else:
        raise RefusedNotFound(_("Siden findes ikke"))
    if write and not can_attach(user, plan_id=obj.plan_id):
        raise RefusedForbidden(model=obj._meta.label, object_id=pk)
    return obj


def get_document_for_user(user: User, pk: int, *, write: bool = False) -> Document:
    label = Document._meta.label
    document = (
        Document.objects.select_related("initiative", "investment", "decision", "withdrawal", "by")
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise RefusedNotFound(_("Siden findes ikke"), model=label, object_id=pk)
    if not can_read_target(user, document.target):
        raise RefusedForbidden(model=label, object_id=pk)
    if write and not can_attach(user, plan_id=document.plan_id):
        raise RefusedForbidden(model=label, object_id=pk)
    return document


def can_download(user: User, document: Document) -> bool:
    """Whether the file itself is served (after get_document_for_user let the user read it)."""
    return not hasattr(document, "withdrawal") or user.role == Role.CHEFGRUPPE
