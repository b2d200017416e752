from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from omstilling.celery import app as celery_app
from omstilling.models import Role


def home(request: HttpRequest) -> HttpResponse:
    """Send each role to the page where its main job starts."""
    if not request.user.is_authenticated:
        return redirect("login")
    if request.user.role == Role.LEDER:
        return redirect("tracks:my_milestones")
    landing = {
        Role.BFU: "reports:dashboard",
        Role.STOETTESYSTEM: "supportsystem:forloeb_list",
        Role.VISITATION: "visitation:workspace",
    }
    return redirect(landing.get(request.user.role, "tracks:overview"))


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Health for the load balancer: the database, the cache and (if configured) the broker."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "fejl"
    try:
        cache.set("healthz", "ok", timeout=10)
        checks["cache"] = "ok" if cache.get("healthz") == "ok" else "fejl"
    except Exception:  # noqa: BLE001 - any cache backend error means unhealthy
        checks["cache"] = "fejl"
    if settings.CELERY_BROKER_URL:
        try:
            with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
                conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
            checks["broker"] = "ok"
        except Exception:  # noqa: BLE001 - kombu raises many kinds of connection errors
            checks["broker"] = "fejl"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fejl", **checks}, status=200 if healthy else 503
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a Danish 403 that says what to do (the reason is only logged)."""
    return render(request, "403_csrf.html", status=403)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: too many failed log-ins for this user name."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "429.html", {"cooloff_minutes": minutes}, status=429)
