"""The cached aggregates (omstilling/cache.py): built once, and stale as soon as a write changes
what they are built from (that each family's write is visible on the very next request is
tested with the pages, in tests/reports/test_cache_invalidation.py)."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from omstilling.cache import Family, bump, cached, generations
from reports.models import Report, ReportKind

pytestmark = pytest.mark.django_db


def _counter():
    calls = []

    def build():
        calls.append(1)
        return len(calls)

    return build


# --- the module ----------------------------------------------------------------------------


def test_it_builds_a_value_once_until_a_family_it_depends_on_is_written():
    build = _counter()

    def value():
        return cached(name="t", families=[Family.PLAN, Family.CORE], build=build)

    assert (value(), value()) == (1, 1)
    bump(Family.INVESTMENTS)  # not one it depends on
    assert value() == 1
    bump(Family.PLAN)
    assert value() == 2
    bump(Family.CORE)
    assert value() == 3


def test_the_parts_and_the_language_are_part_of_the_key():
    build = _counter()

    assert cached(name="t", families=[Family.PLAN], build=build, plan=1) == 1
    assert cached(name="t", families=[Family.PLAN], build=build, plan=2) == 2
    with translation.override("en"):
        assert cached(name="t", families=[Family.PLAN], build=build, plan=1) == 3
    assert cached(name="t", families=[Family.PLAN], build=build, plan=1) == 1


def test_a_lost_generation_starts_afresh_and_never_meets_an_old_entry():
    build = _counter()
    cached(name="t", families=[Family.PLAN], build=build)
    before = generations([Family.PLAN])[Family.PLAN]

    cache.delete(f"generation:{Family.PLAN}")

    assert generations([Family.PLAN])[Family.PLAN] > before
    assert cached(name="t", families=[Family.PLAN], build=build) == 2


def test_a_write_in_a_transaction_bumps_at_once_and_again_on_commit(
    django_capture_on_commit_callbacks,
):
    before = generations([Family.PLAN])[Family.PLAN]

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        bump(Family.PLAN)
        assert generations([Family.PLAN])[Family.PLAN] == before + 1

    assert generations([Family.PLAN])[Family.PLAN] == before + 2


def test_an_issued_report_bumps_the_reports_family(plan):
    before = generations([Family.REPORTS])[Family.REPORTS]

    Report.objects.create(
        kind=ReportKind.MAANEDSRAPPORT,
        period="2026-11",
        period_label="november 2026",
        period_start=dt.date(2026, 11, 1),
    )

    assert generations([Family.REPORTS])[Family.REPORTS] > before


def test_a_log_in_does_not_make_the_aggregates_stale(client, bfu):
    before = generations([Family.CORE])[Family.CORE]

    client.force_login(bfu)

    assert generations([Family.CORE])[Family.CORE] == before


# --- rendered fragments --------------------------------------------------------------------


def test_a_fragment_is_rendered_once_per_role_and_again_after_a_write(rf, bfu, chef):
    from omstilling.cache import cached_fragment

    renders = []

    def render():
        renders.append(1)
        return f"<p>{len(renders)}</p>"

    def fragment(user):
        request = rf.get("/")
        request.user = user
        return cached_fragment(request, name="t", families=[Family.PLAN], render=render, plan=1)

    assert fragment(bfu) == fragment(bfu) == "<p>1</p>"
    # Another role never gets the first role's HTML (edit links, menus differ by role).
    assert fragment(chef) == "<p>2</p>"
    bump(Family.PLAN)
    assert fragment(bfu) == "<p>3</p>"
    assert len(renders) == 3


@pytest.mark.parametrize(
    "token",
    [
        '<form method="post"><input name="csrfmiddlewaretoken" value="x"></form>',
        # htmx's header, as the base layout's <body> sends it with every request
        """<div hx-headers='{"X-CSRFToken": "x"}'><button hx-post="/x">Send</button></div>""",
    ],
    ids=["form-input", "htmx-header"],
)
@pytest.mark.parametrize("csrf", [False, True])
def test_a_fragment_with_a_csrf_token_is_refused_not_cached(rf, bfu, csrf, token):
    """A token is refused in a fragment; with csrf=True too, where it is not a form's own input
    (the input the slots replace has exactly `{% csrf_token %}`'s shape)."""
    from omstilling.cache import PerRequestContent, cached_fragment

    request = rf.get("/")
    request.user = bfu

    def render():
        return token

    with pytest.raises(PerRequestContent):
        cached_fragment(request, name="t", families=[Family.PLAN], render=render, csrf=csrf)


def test_long_parts_make_a_key_of_bounded_length(rf, bfu):
    from omstilling.cache import cached_fragment

    request = rf.get("/")
    request.user = bfu
    with mock.patch.object(cache, "set", wraps=cache.set) as stored:
        html = cached_fragment(
            request, name="t", families=[Family.PLAN], render=lambda: "x", query="q=" + "ø" * 5000
        )
    assert html == "x"
    (key, value), _ = stored.call_args
    assert value == "x"
    assert len(key) < 250


def test_a_value_keep_refuses_is_returned_but_built_again_next_time():
    build = _counter()

    def value(keep):
        return cached(name="t", families=[Family.PLAN], build=build, keep=keep)

    assert value(lambda v: False) == 1
    assert value(lambda v: False) == 2  # not stored
    assert value(lambda v: True) == 3
    assert value(lambda v: False) == 3  # stored by the call before, found now


def _csrf_form_fragment(request, renders):
    from django.template import RequestContext, Template

    from omstilling.cache import cached_fragment

    def render():
        renders.append(1)
        form = Template('<form method="post">{% csrf_token %}<button>Send</button></form>')
        return form.render(RequestContext(request)) * 2

    return cached_fragment(request, name="t", families=[Family.PLAN], render=render, csrf=True)


def test_a_fragment_with_forms_is_kept_without_a_token_and_served_with_each_requests_own(rf, bfu):
    from django.middleware.csrf import _unmask_cipher_token

    from omstilling.cache import CSRF_SLOT

    renders, tokens = [], []
    with mock.patch.object(cache, "set", wraps=cache.set) as stored:
        for _ in range(2):
            request = rf.get("/")
            request.user = bfu
            html = _csrf_form_fragment(request, renders)
            found = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
            assert len(found) == 2  # both forms filled
            # The request's own secret, which the CSRF cookie set on its response carries.
            assert _unmask_cipher_token(found[0]) == request.META["CSRF_COOKIE"]
            tokens.append(found[0])

    assert len(renders) == 1  # the second request from the cache
    ((_key, value), _kwargs) = stored.call_args
    assert value.count(CSRF_SLOT) == 2 and "csrfmiddlewaretoken" not in value
    assert tokens[0] != tokens[1]


def test_a_request_reads_the_generations_once_for_all_its_fragments_and_again_after_its_write(
    rf, bfu
):
    """The tiltag page shows four cached parts: one round trip for the generations, not four;
    a request that writes and then renders (an htmx POST) sees its own write."""
    from omstilling.cache import cached_fragment

    request = rf.get("/")
    request.user = bfu
    renders = []

    def fragment(name):
        def render():
            renders.append(name)
            return f"<p>{name} {len(renders)}</p>"

        return cached_fragment(request, name=name, families=[Family.PLAN], render=render)

    for name in ("a", "b", "c", "d"):
        fragment(name)  # stored
    request = rf.get("/")  # the next request
    request.user = bfu
    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
        assert [fragment(name) for name in ("a", "b", "c", "d")] == [
            "<p>a 1</p>",
            "<p>b 2</p>",
            "<p>c 3</p>",
            "<p>d 4</p>",
        ]
    assert get_many.call_count == 1

    bump(Family.PLAN)  # this request's own write
    assert fragment("a") == "<p>a 5</p>"
