from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from omstilling.history_admin import HistoryAdmin
from omstilling.models import AccessLog, Area, GovernanceBody, Institution, Plan, User
from omstilling.services import user_apply_role


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Rolle i portalen"), {"fields": ("role", "institutions")}),
    )
    list_display = ("username", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active")
    filter_horizontal = ("institutions", "groups", "user_permissions")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_apply_role(user=form.instance)


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("name", "short", "slug")


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "area", "is_demo")
    list_filter = ("kind", "is_demo")
    search_fields = ("name",)


@admin.register(GovernanceBody)
class GovernanceBodyAdmin(HistoryAdmin):
    list_display = ("name", "kind")
    list_filter = ("kind",)
    filter_horizontal = ("members",)


@admin.register(Plan)
class PlanAdmin(HistoryAdmin):
    list_display = ("title", "municipality")


class RefusedFilter(admin.SimpleListFilter):
    """Refused access (403, or 404 on a protected row) alone, or everything else."""

    title = _("afvist adgang")
    parameter_name = "afvist"

    def lookups(self, request, model_admin):
        return [("ja", _("Kun afvist adgang")), ("nej", _("Uden afvist adgang"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.filter(action=AccessLog.Action.REFUSED)
        if self.value() == "nej":
            return queryset.exclude(action=AccessLog.Action.REFUSED)
        return queryset


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Administrators search the access log; nobody can add, change or delete its rows."""

    list_display = ("at", "username", "action", "model", "object_id", "path")
    list_filter = (RefusedFilter, "action", "model")
    search_fields = ("username", "object_id", "model")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
