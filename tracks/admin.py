from django.contrib import admin

from omstilling.history_admin import HistoryAdmin
from tracks.models import Initiative, Milestone, Recommendation, RecommendationTheme, Spor, Theme


@admin.register(Spor)
class SporAdmin(HistoryAdmin):
    list_display = ("number", "title", "plan")


@admin.register(Theme)
class ThemeAdmin(HistoryAdmin):
    list_display = ("title", "spor")


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ("slug", "title", "planned_quarter", "planned_date", "institution")
    extra = 0


@admin.register(Initiative)
class InitiativeAdmin(HistoryAdmin):
    list_display = ("title", "spor", "lead_area", "owner", "owner_body")
    list_filter = ("spor", "lead_area")
    search_fields = ("title", "slug")
    filter_horizontal = ("institutions",)
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(HistoryAdmin):
    list_display = ("title", "initiative", "planned_quarter", "institution", "completed_on")
    list_filter = ("institution",)


@admin.register(RecommendationTheme)
class RecommendationThemeAdmin(HistoryAdmin):
    list_display = ("number", "title")


@admin.register(Recommendation)
class RecommendationAdmin(HistoryAdmin):
    list_display = ("number", "theme")
    filter_horizontal = ("initiatives",)
