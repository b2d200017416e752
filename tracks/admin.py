from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tracks.models import Initiative, Milestone, Recommendation, RecommendationTheme, Spor, Theme


@admin.register(Spor)
class SporAdmin(SimpleHistoryAdmin):
    list_display = ("number", "title", "plan")


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ("title", "spor")


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ("slug", "title", "planned_quarter", "planned_date", "institution")
    extra = 0


@admin.register(Initiative)
class InitiativeAdmin(SimpleHistoryAdmin):
    list_display = ("title", "spor", "lead_area", "owner", "owner_body")
    list_filter = ("spor", "lead_area")
    search_fields = ("title", "slug")
    filter_horizontal = ("institutions",)
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ("title", "initiative", "planned_quarter", "institution", "completed_on")
    list_filter = ("institution",)


@admin.register(RecommendationTheme)
class RecommendationThemeAdmin(SimpleHistoryAdmin):
    list_display = ("number", "title")


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ("number", "theme")
    filter_horizontal = ("initiatives",)
