from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from omstilling.access import reader_required
from reports.reminders.selectors import HORIZON_DAYS, reminders_for
from tracks.selectors import attention_for


@reader_required
@require_GET
def my_reminders(request: HttpRequest) -> HttpResponse:
    """ "Mine påmindelser": the list the morning reminder e-mail is made from."""
    today = timezone.localdate()
    return render(
        request,
        "reports/reminders.html",
        {
            "reminders": reminders_for(user=request.user, today=today),
            "today": today,
            "horizon_days": HORIZON_DAYS,
            "attention": attention_for(request.user),
        },
    )
