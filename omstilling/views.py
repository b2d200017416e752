from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from omstilling.access import (
    VIEWED_PLAN_SESSION_KEY,
    RefusedForbidden,
    can_change_own_password,
    reader_required,
    role_required,
    viewed_plan,
    viewed_plan_or_404,
)
from omstilling.celery import app as celery_app
from omstilling.forms import OwnPasswordChangeForm, OwnSetPasswordForm, PlanChoiceForm
from omstilling.models import Plan, Role, User
from omstilling.plan_export import dump_plan_file


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


@reader_required
@require_http_methods(["GET", "POST"])
def plan_list(request: HttpRequest) -> HttpResponse:
    """The plan chooser: every plan in the portal, the current one marked. Choosing an earlier
    plan shows it on every reading page (kept in the session, so links stay as they are) until
    the current plan is chosen again; it is read-only for every role."""
    form = PlanChoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan = form.cleaned_data["plan"]
        if plan.pk == Plan.objects.current_pk():
            request.session.pop(VIEWED_PLAN_SESSION_KEY, None)
            messages.success(request, _("Du ser nu den aktuelle plan."))
        else:
            request.session[VIEWED_PLAN_SESSION_KEY] = plan.pk
            messages.success(
                request, _("Du læser nu “%(plan)s”. Den kan kun læses.") % {"plan": plan.title}
            )
        return redirect("tracks:overview")
    current_pk = Plan.objects.current_pk()
    plans = list(Plan.objects.order_by("-start_quarter", "pk"))
    for plan in plans:
        plan.is_current_plan = plan.pk == current_pk
    return render(
        request,
        "plans/plan_list.html",
        {"plans": plans, "viewed": viewed_plan(request), "form": form},
        status=400 if form.is_bound else 200,
    )


@role_required(Role.CHEFGRUPPE)
@require_GET
def plan_file_download(request: HttpRequest) -> HttpResponse:
    """The plan shown (the current one, or an earlier one chosen) as a plan file, with every
    edit made in the portal: chefgruppen's copy to keep, edit or load elsewhere."""
    plan = viewed_plan_or_404(request)
    response = HttpResponse(dump_plan_file(plan), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}.yaml"'
    return response


@sensitive_post_parameters()
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Every user with a password of ours changes it here, BFU members too (it is their own
    account, not the plan's content). Single-sign-on users have none: refused (403)."""
    if not can_change_own_password(request.user):
        raise RefusedForbidden(model=User._meta.label, object_id=request.user.pk)
    form = OwnPasswordChangeForm(request.user, request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = form.save()
        # The new password changes the session's hash: keep this session, end the others.
        update_session_auth_hash(request, user)
        messages.success(request, _("Din adgangskode er skiftet."))
        return redirect("password_change")
    return render(request, "account/password_change.html", {"form": form})


class InvitationView(auth_views.PasswordResetConfirmView):
    """The link of an invitation: the new user chooses a first password (Django's validators),
    then logs in. A used, expired or altered link says so and sets nothing."""

    template_name = "registration/invitation.html"
    success_url = reverse_lazy("invitation_complete")
    form_class = OwnSetPasswordForm


@require_GET
def invitation_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/invitation_complete.html")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico at the root; the icon is one of our static files."""
    return redirect(static("favicon.ico"), permanent=True)


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
