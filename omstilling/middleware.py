"""The portal's own middleware: session security that Django's settings alone do not give
(ASVS V3), and the language the user chose."""

import contextlib
import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.cache import patch_vary_headers

from omstilling.access import log_refusal
from omstilling.auth import LOGIN_AT_SESSION_KEY, SEEN_AT_SESSION_KEY, stamp_session

# The idle timeout is renewed at most this often, so a busy page (htmx) does not write the
# session on every request; a session then ends between SESSION_COOKIE_AGE minus this and
# SESSION_COOKIE_AGE after the last request.
RENEW_INTERVAL = 60


class SessionSecurityMiddleware:
    """Idle timeout, absolute lifetime, deactivated users, and htmx at a log-in redirect.

    - Idle: the session (server side and cookie) expires SESSION_COOKIE_AGE seconds after it
      was last saved; an active user's session is saved again once RENEW_INTERVAL has passed.
    - Absolute: a session ends SESSION_ABSOLUTE_LIFETIME seconds after log-in, however active.
    - A user who is deactivated (or deleted) loses the session on the next request: Django's
      backends then no longer return the user, and the stale session is flushed here.
    - An htmx request whose answer is a redirect to the log-in page (the session ran out)
      makes the browser load that page whole instead of swapping it into a fragment.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY in session:
            user = request.user
            if not (user.is_authenticated and user.is_active) or self._past_lifetime(session):
                logout(request)
        response = self.get_response(request)
        if request.user.is_authenticated:
            now = int(time.time())
            if LOGIN_AT_SESSION_KEY not in session:
                # Sessions from before this middleware: their lifetime starts now.
                stamp_session(session, now)
            elif now - session.get(SEEN_AT_SESSION_KEY, 0) >= RENEW_INTERVAL:
                session[SEEN_AT_SESSION_KEY] = now
        if request.headers.get("HX-Request") == "true" and self._to_login(response):
            return HttpResponse(status=204, headers={"HX-Redirect": response["Location"]})
        return response

    @staticmethod
    def _past_lifetime(session) -> bool:
        login_at = session.get(LOGIN_AT_SESSION_KEY)
        return login_at is not None and time.time() - login_at > settings.SESSION_ABSOLUTE_LIFETIME

    @staticmethod
    def _to_login(response: HttpResponse) -> bool:
        return response.status_code == 302 and response["Location"].startswith(
            resolve_url(settings.LOGIN_URL)
        )


class LanguageChoiceMiddleware:
    """The language the user chose in the footer (the cookie that Django's set_language view
    sets); Danish otherwise.

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not consulted: the
    portal is the municipality's Danish workplace, and a browser set up in English must not
    turn it into English unasked.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = settings.LANGUAGE_CODE
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            with contextlib.suppress(LookupError):  # a cookie for a language we do not have
                language = translation.get_supported_language_variant(chosen)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class RefusedAccessLogMiddleware:
    """Logs a view's refusals (403, and 404 on a protected row) in the access log.

    One place for every view: the access helpers and decorators only raise. Which refusals are
    logged is decided by omstilling.access.is_logged_refusal. The exception goes on to Django's
    403/404 handling unchanged.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        log_refusal(request, exception)


class LoginRequiredAllowListMiddleware(LoginRequiredMiddleware):
    """Deny by default: every view answers only a logged-in user, except the URLs named in
    settings.ANONYMOUS_URL_NAMES and the namespaces in settings.ANONYMOUS_URL_NAMESPACES (the
    log-in itself, the health check, the public progress page and the open data, …).

    Django's LoginRequiredMiddleware sends anonymous visitors to LOGIN_URL; here the allow-list
    is a setting to read in one place, not a decorator spread over the views (a view marked
    `login_not_required` elsewhere is not enough). The views keep their own checks as well.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None:
            if match.view_name in settings.ANONYMOUS_URL_NAMES:
                return None
            if match.namespaces and match.namespaces[0] in settings.ANONYMOUS_URL_NAMESPACES:
                return None
        return self.handle_no_permission(request, view_func)
