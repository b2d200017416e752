"""The plan's content in the admin, for chefgruppen. Never deleted here (see
omstilling.history_admin): it comes from the plan file, its status updates and milestone events
are history, and reports of record name it."""

from django.contrib import admin

from omstilling.history_admin import HistoryAdmin, KeepsHistoryInline
from tracks.models import Initiative, Milestone, Recommendation, RecommendationTheme, Spor, Theme


@admin.register(Spor)
class SporAdmin(HistoryAdmin):
    never_delete = True
    list_display = ("number", "title", "plan")


@admin.register(Theme)
class ThemeAdmin(HistoryAdmin):
    never_delete = True
    list_display = ("title", "spor")


class MilestoneInline(KeepsHistoryInline, admin.TabularInline):
    model = Milestone
    fields = ("slug", "title", "planned_quarter", "planned_date", "institution")
    extra = 0


@admin.register(Initiative)
class InitiativeAdmin(HistoryAdmin):
    never_delete = True
    list_display = ("title", "spor", "lead_area", "owner", "owner_body")
    list_filter = ("spor", "lead_area")
    search_fields = ("title", "slug")
    filter_horizontal = ("institutions",)
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(HistoryAdmin):
    never_delete = True
    list_display = ("title", "initiative", "planned_quarter", "institution", "completed_on")
    list_filter = ("institution",)


@admin.register(RecommendationTheme)
class RecommendationThemeAdmin(HistoryAdmin):
    never_delete = True
    list_display = ("number", "title")


@admin.register(Recommendation)
class RecommendationAdmin(HistoryAdmin):
    never_delete = True
    list_display = ("number", "theme")
    filter_horizontal = ("initiatives",)
