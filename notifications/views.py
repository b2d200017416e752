"""The notification list ("Notifikationer"), a person's own: nobody sees another's."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notifications.forms import ListFilterForm, PreferenceForm
from notifications.models import Notification
from notifications.services import (
    email_choice_of,
    notification_mark_read,
    notifications_mark_all_read,
    preference_set,
)
from omstilling.access import reader_required

PAGE_SIZE = 25


def _own(request: HttpRequest, pk: int) -> Notification:
    """The user's own notification; another's is 404 (nobody learns it exists)."""
    return get_object_or_404(Notification, pk=pk, recipient=request.user)


@reader_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    form = ListFilterForm(request.GET or None)
    unread_only = form.is_valid() and form.cleaned_data["vis"] == "ulaeste"
    notifications = Notification.objects.filter(recipient=request.user).select_related("actor")
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("side"))
    template = "notifications/list.html"
    if request.htmx and request.htmx.target == "notification-results":
        template += "#results"
    response = render(request, template, {"form": form, "page": page, "unread_only": unread_only})
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@reader_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Go to the thing, marking the notification read (a POST: no GET changes anything)."""
    notification = _own(request, pk)
    notification_mark_read(notification=notification)
    url = notification.url
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        url = "notifications:list"
    return redirect(url)


@reader_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = _own(request, pk)
    notification_mark_read(notification=notification)
    if request.htmx:
        response = render(request, "notifications/list.html#row", {"n": notification})
        patch_vary_headers(response, ("HX-Request",))
        return response
    return redirect("notifications:list")


@reader_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request.user)
    messages.success(
        request, _("%(count)d notifikationer er markeret som læst.") % {"count": count}
    )
    return redirect("notifications:list")


@reader_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            preference_set(user=request.user, email=form.cleaned_data["email"])
            messages.success(request, _("Dit valg er gemt."))
            return redirect("notifications:list")
    else:
        form = PreferenceForm(initial={"email": email_choice_of(request.user)})
    return render(request, "notifications/preferences.html", {"form": form})
