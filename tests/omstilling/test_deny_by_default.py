"""Deny by default: every URL pattern of the portal sends an anonymous visitor to log in.

The walk covers every pattern, including those that apps add later, so a new view without a
login check fails here. Only the explicit allow-list below answers anonymous requests.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

ALLOW_ANONYMOUS = {
    "login",  # the log-in page itself
    "logout",  # logging out needs no session
    "healthz",  # the load balancer's health check
    "favicon",  # the browser's tab icon, also on the log-in page
    "set_language",  # the language choice in the footer, also on the log-in page
    "invitation",  # a new user's link to choose a first password (a token, not a session)
    "invitation_complete",  # "your password is saved: log in"
    "admin:login",
    "admin:logout",
    "admin:password_reset",  # not mounted unless configured, kept for safety
    "admin:view_on_site",
    "admin:jsi18n",
}
LOGIN_PREFIXES = ("/log-ind/", "/admin/login/")


def _example_args(pattern) -> list[str]:
    """Example values for a regex pattern's unnamed groups (e.g. the history admin's)."""
    if isinstance(pattern, RegexPattern):
        compiled = re.compile(pattern._regex)
        return ["1"] * (compiled.groups - len(compiled.groupindex))
    return []


def _example_kwargs(pattern) -> dict[str, str]:
    if isinstance(pattern, RoutePattern):
        values = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": "0" * 32}
        return {
            name: values.get(type(conv).__name__.replace("Converter", "").lower(), "1")
            for name, conv in pattern.converters.items()
        }
    if isinstance(pattern, RegexPattern):
        kwargs = {}
        for match in re.finditer(r"\(\?P<(\w+)>([^)]*)\)", pattern._regex):
            name, body = match.groups()
            first = body.split("|")[0]
            kwargs[name] = first if re.fullmatch(r"[\w.-]+", first) else "1"
        return kwargs
    return {}


def _walk(patterns, namespace="", inherited=None):
    for entry in patterns:
        kwargs = {**(inherited or {}), **_example_kwargs(entry.pattern)}
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, full, kwargs)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, _example_args(entry.pattern), kwargs


def _all_urls() -> list[tuple[str, str]]:
    urls = {}
    for name, args, kwargs in _walk(get_resolver().url_patterns):
        try:
            urls[name] = reverse(name, args=args) if args else reverse(name, kwargs=kwargs)
        except Exception:  # noqa: BLE001 - patterns whose example args do not fit are listed below
            urls[name] = None
    return sorted(urls.items())


URLS = _all_urls()


def test_it_walks_every_named_url():
    unreachable = [name for name, url in URLS if url is None]

    assert not unreachable, f"no example URL could be built for {unreachable}"
    assert len(URLS) > 20


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), [(n, u) for n, u in URLS if n not in ALLOW_ANONYMOUS])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_requests_are_sent_to_log_in(client, name, url, method):
    response = getattr(client, method)(url)

    assert response.status_code == 302, f"{name} {url} answered {response.status_code}"
    assert response["Location"].startswith(LOGIN_PREFIXES), f"{name} → {response['Location']}"
