"""The directory in the admin: administrators keep the support system's actors up to date.

Forløb and their history are not in the admin: they are child-level rows, reached only through
the portal's pages, which check access and write the access log.
"""

from django.contrib import admin

from omstilling.history_admin import HistoryAdmin, deletion_touches_history
from omstilling.models import Role
from supportsystem.models import Stage, SupportActor, SupportSystemPart


class AdministratorsEdit:
    """Administrators (the role) and superusers edit these master data; nobody else.

    The directory's permissions are decided here rather than in the core's role → permission
    table, so the core need not know this app.
    """

    def _is_administrator(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or user.role == Role.ADMIN)

    def has_module_permission(self, request):
        return self._is_administrator(request)

    def has_view_permission(self, request, obj=None):
        return self._is_administrator(request)

    def has_add_permission(self, request):
        return self._is_administrator(request)

    def has_change_permission(self, request, obj=None):
        return self._is_administrator(request)

    def has_delete_permission(self, request, obj=None):
        # One at a time (no obj: the bulk action, never offered), and only what no history
        # depends on (omstilling.history_admin).
        return (
            self._is_administrator(request)
            and obj is not None
            and not deletion_touches_history(obj)
        )


@admin.register(SupportActor)
class SupportActorAdmin(AdministratorsEdit, HistoryAdmin):
    list_display = ("name", "kind", "area", "institution", "contact")
    ordering = ("kind", "institution__name", "order", "name")
    list_filter = ("kind", "area")
    search_fields = ("name", "competences", "description", "institution__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("institution",)
    fields = (
        "name",
        "slug",
        "kind",
        "area",
        "institution",
        "description",
        "competences",
        "contact",
        "order",
    )


@admin.register(SupportSystemPart)
class SupportSystemPartAdmin(AdministratorsEdit, admin.ModelAdmin):
    list_display = ("kind",)


@admin.register(Stage)
class StageAdmin(AdministratorsEdit, admin.ModelAdmin):
    """Forløbscirklen's stages come from the plan file; the admin shows them read-only."""

    list_display = ("order", "name", "external", "closing", "active")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
