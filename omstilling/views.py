from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from omstilling.models import Role


def home(request: HttpRequest) -> HttpResponse:
    """Send each role to the page where its main job starts."""
    if not request.user.is_authenticated:
        return redirect("login")
    if request.user.role == Role.LEDER:
        return redirect("tracks:my_milestones")
    return redirect("tracks:overview")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for the load balancer: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
