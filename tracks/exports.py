"""The initiative list as .xlsx/.csv: current status, progress, owner and next milestone."""

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from omstilling.exports import table_response
from omstilling.quarters import Quarter
from tracks.models import Initiative, Milestone

HEADERS = [
    gettext_lazy("Spor"),
    gettext_lazy("Tema"),
    gettext_lazy("Tiltag"),
    gettext_lazy("Ledende område"),
    gettext_lazy("Ejer"),
    gettext_lazy("Ejergruppe"),
    gettext_lazy("Arbejdsstatus"),
    gettext_lazy("Sundhed"),
    gettext_lazy("Fremdrift (%)"),
    gettext_lazy("Status opdateret"),
    gettext_lazy("Næste milepæl"),
    gettext_lazy("Næste milepæls frist"),
    gettext_lazy("Startkvartal"),
    gettext_lazy("Slutkvartal"),
]


def with_next_milestone(initiatives: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """Annotate each initiative's first open milestone (still one query for the whole list)."""
    next_open = Milestone.objects.filter(
        initiative=OuterRef("pk"), completed_on__isnull=True
    ).order_by("planned_quarter", "planned_date", "order", "pk")
    return initiatives.annotate(
        next_milestone_title=Subquery(next_open.values("title")[:1]),
        next_milestone_quarter=Subquery(next_open.values("planned_quarter")[:1]),
        next_milestone_date=Subquery(next_open.values("planned_date")[:1]),
    )


def _rows(initiatives):
    for initiative in initiatives:
        status = initiative.current_status
        due = initiative.next_milestone_date or (
            Quarter.of(initiative.next_milestone_quarter).last_day
            if initiative.next_milestone_quarter
            else None
        )
        yield [
            initiative.spor.number,
            initiative.theme.title if initiative.theme else "",
            initiative.title,
            initiative.lead_area.name,
            str(initiative.owner) if initiative.owner else "",
            initiative.owner_body.name if initiative.owner_body else "",
            status.get_state_display() if status else _("Ingen status endnu"),
            status.get_health_display() if status else "",
            status.progress if status else None,
            timezone.localtime(status.created_at).date() if status else None,
            initiative.next_milestone_title or "",
            due,
            Quarter.of(initiative.start_quarter).label,
            Quarter.of(initiative.end_quarter).label if initiative.end_quarter else "",
        ]


def initiatives_export(*, initiatives: QuerySet[Initiative], fmt: str) -> HttpResponse:
    return table_response(
        fmt=fmt,
        basename="tiltag",
        sheet_title=_("Tiltag"),
        headers=HEADERS,
        rows=_rows(with_next_milestone(initiatives)),
    )
