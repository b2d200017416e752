from django.utils.functional import SimpleLazyObject

from notifications.models import Notification


def _unread(request) -> int:
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and user.role):
        return 0
    # One count on the inbox index, only on pages that show it (the header does).
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread(request):
    """`unread_notifications`: the count in the header."""
    return {"unread_notifications": SimpleLazyObject(lambda: _unread(request))}
