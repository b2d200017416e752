"""The rounds' Celery tasks, for `app.autodiscover_tasks()`: `send_round_reminders` (beat)."""

from rounds.services import send_round_reminders

__all__ = ["send_round_reminders"]
