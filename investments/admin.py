"""The pool in the Django admin: for chefgruppen to look things up, with each row's history.

Read-only on purpose. Every write to the pool goes through the services behind the portal's own
pages (the pool limit, the decision path and the append-only logs live there), and the admin's
generic forms would bypass them. The role matrix gives administrators no access to investments,
so the check is by role here rather than through omstilling's admin permission groups.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from investments.models import DevelopmentSchool, Investment, InvestmentDecision, Spending
from omstilling.models import Role


class _ReadOnlyForChefgruppe:
    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        user = request.user
        return user.is_active and (user.is_superuser or user.role == Role.CHEFGRUPPE)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class DecisionInline(_ReadOnlyForChefgruppe, admin.TabularInline):
    model = InvestmentDecision
    fields = ("decided_on", "from_state", "to_state", "reference", "note", "by", "at")
    readonly_fields = fields
    extra = 0


class SpendingInline(_ReadOnlyForChefgruppe, admin.TabularInline):
    model = Spending
    fields = ("spent_on", "amount", "note", "by", "at")
    readonly_fields = fields
    extra = 0


@admin.register(DevelopmentSchool)
class DevelopmentSchoolAdmin(_ReadOnlyForChefgruppe, SimpleHistoryAdmin):
    list_display = ("school", "plan", "order")
    list_select_related = ("school", "plan")
    filter_horizontal = ("daycares",)


@admin.register(Investment)
class InvestmentAdmin(_ReadOnlyForChefgruppe, SimpleHistoryAdmin):
    list_display = ("title", "development_school", "state", "amount", "created_at")
    list_filter = ("state", "development_school")
    list_select_related = ("development_school__school",)
    search_fields = ("title", "purpose")
    readonly_fields = ("state", "version", "created_by", "created_at")
    inlines = [DecisionInline, SpendingInline]


@admin.register(InvestmentDecision)
class InvestmentDecisionAdmin(_ReadOnlyForChefgruppe, admin.ModelAdmin):
    list_display = ("investment", "from_state", "to_state", "decided_on", "reference", "by")
    list_filter = ("to_state",)
    list_select_related = ("investment", "by")


@admin.register(Spending)
class SpendingAdmin(_ReadOnlyForChefgruppe, admin.ModelAdmin):
    list_display = ("investment", "spent_on", "amount", "by")
    list_select_related = ("investment", "by")
    date_hierarchy = "spent_on"
