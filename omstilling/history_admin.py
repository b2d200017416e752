"""History in the admin: what may never be deleted there, and the history pages.

History is appended and kept. In the admin nobody — superusers included — deletes a history
row, nor an object whose deletion would take history with it (cascade it away, blank out who
did it, or be refused by a protecting foreign key halfway). Retention deletes child-level rows
through its own job, never through the admin. A user who leaves is deactivated, not deleted.

The admin pages of history rows are read-only (has_add/change/delete_permission False); the
admins of the objects that own history use `KeepsHistory`.

The history pages (django-simple-history): SimpleHistoryAdmin looks the object up with the raw
id from the URL, so /admin/tracks/initiative/abc/history/ raised a ValueError (500). Django's
own admin views answer such URLs with a 404-like redirect; ours answer 404.
"""

from django.contrib.admin.utils import NestedObjects, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

# The rows that record what was done, and by whom. Named by label: the core imports no app.
HISTORY_MODELS = frozenset(
    {
        "omstilling.AccessLog",
        "tracks.StatusUpdate",
        "tracks.MilestoneEvent",
        "investments.InvestmentDecision",
        "investments.Spending",
        "reports.Report",
        "supportsystem.Forloeb",
        "supportsystem.Transition",
        "visitation.PreReferral",
        "visitation.PreReferralOutcomeChange",
        "visitation.Referral",
        "visitation.Decision",
        "visitation.CountImport",
        # the admin's own record of who changed what in it
        "admin.LogEntry",
    }
)


def is_history(model: type[models.Model]) -> bool:
    # django-simple-history's historical models carry `instance_type` (the model they record).
    return model._meta.label in HISTORY_MODELS or hasattr(model, "instance_type")


def deletion_touches_history(obj: models.Model) -> bool:
    """Whether deleting `obj` would delete or change a history row, or be refused by one.

    Collected as Django's admin collects what a deletion takes with it (NestedObjects): the
    cascade, the SET_NULL updates and the protecting foreign keys.
    """
    collector = NestedObjects(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    if collector.protected or any(is_history(model) for model in collector.data):
        return True
    return any(
        is_history(field.model) and any(_exists(objs) for objs in updates)
        for (field, _value), updates in collector.field_updates.items()
    )


def _exists(objs) -> bool:
    return objs.exists() if isinstance(objs, models.QuerySet) else bool(objs)


class KeepsHistory:
    """For the admin of a model that owns history: no bulk deletion ("Slet valgte"), and an
    object is deleted only when that touches no history (`deletion_touches_history`).

    `never_delete = True` for what is never deleted at all: the plan's content (it comes from
    the plan file, and reports of record name it) and the institutions (everything refers to
    them; a wrong one is renamed).
    """

    never_delete = False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Without an object Django asks whether to offer the bulk action: never.
        if self.never_delete or obj is None:
            return False
        return super().has_delete_permission(request, obj) and not deletion_touches_history(obj)


class KeepsHistoryInline:
    """An inline whose rows (e.g. a tiltag's milestones) are never deleted from the parent."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class HistoryAdmin(KeepsHistory, SimpleHistoryAdmin):
    def _require_valid_id(self, object_id: str) -> None:
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError as exc:
            raise Http404 from exc

    def history_view(self, request, object_id, extra_context=None):
        self._require_valid_id(object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_valid_id(object_id)
        try:
            int(version_id)
        except ValueError as exc:
            raise Http404 from exc
        # django-simple-history only hides "Revert" from a reader (an administrator reading the
        # plan's history): a forged POST would still save the old version. Only who may
        # change the object reverts it.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )
