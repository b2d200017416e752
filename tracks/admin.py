"""The plan's content in the admin, for chefgruppen. Never deleted here (see
omstilling.history_admin): it comes from the plan file, its status updates and milestone events
are history, and reports of record name it."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from omstilling.forms import QuarterFieldsAdmin
from omstilling.history_admin import HistoryAdmin, KeepsHistoryInline
from tracks.models import Initiative, Milestone, Recommendation, RecommendationTheme, Spor, Theme


@admin.register(Spor)
class SporAdmin(HistoryAdmin):
    never_delete = True
    list_display = ("number", "title", "plan")
    list_filter = ("plan",)


@admin.register(Theme)
class ThemeAdmin(HistoryAdmin):
    never_delete = True
    list_display = ("title", "spor")
    list_filter = ("spor__plan", "spor")
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title",)}


class MilestoneInline(QuarterFieldsAdmin, KeepsHistoryInline, admin.TabularInline):
    model = Milestone
    fields = ("slug", "title", "planned_quarter", "planned_date", "institution")
    extra = 0


@admin.register(Initiative)
class InitiativeAdmin(QuarterFieldsAdmin, HistoryAdmin):
    never_delete = True
    list_display = ("title", "spor", "lead_area", "owner", "owner_body")
    list_filter = ("plan", "spor", "lead_area", "owner_body", ("owner", admin.EmptyFieldListFilter))
    search_fields = ("title", "description", "owner__first_name", "owner__last_name")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("institutions",)
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(QuarterFieldsAdmin, HistoryAdmin):
    never_delete = True
    list_display = ("title", "initiative", "quarter", "institution", "completed_on")
    list_filter = ("initiative__plan", "initiative__spor", "institution")
    search_fields = ("title", "initiative__title")
    prepopulated_fields = {"slug": ("title",)}

    @admin.display(description=_("planlagt kvartal"), ordering="planned_quarter")
    def quarter(self, obj: Milestone) -> str:
        return obj.quarter.label


@admin.register(RecommendationTheme)
class RecommendationThemeAdmin(HistoryAdmin):
    never_delete = True
    list_display = ("number", "title")


@admin.register(Recommendation)
class RecommendationAdmin(HistoryAdmin):
    never_delete = True
    list_display = ("number", "theme")
    filter_horizontal = ("initiatives",)
