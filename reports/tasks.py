"""The reports app's Celery tasks, for `app.autodiscover_tasks()`, which looks in `<app>.tasks`.

Each task lives beside the service it calls; their names stay `reports.tasks.<name>` (given
explicitly), so queued messages and the beat schedule in settings.py keep working:

- `compile_report(report_id)` (`reports.archive.compiler`): sent when a report is requested.
- `fail_stale_reports()` (`reports.archive.failure`): Celery beat, every 5 minutes: reports
  pending too long are failed.
- `request_scheduled_reports()` (`reports.archive.services`): Celery beat, every weekday at
  06:00 Europe/Copenhagen.
- `send_reminders()` (`reports.reminders.services`): Celery beat, every weekday morning.
"""

from reports.archive.compiler import compile_report
from reports.archive.failure import fail_stale_reports
from reports.archive.services import request_scheduled_reports
from reports.reminders.services import send_reminders

__all__ = ["compile_report", "fail_stale_reports", "request_scheduled_reports", "send_reminders"]
