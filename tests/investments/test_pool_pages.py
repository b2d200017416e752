"""The pool page and "Alle investeringer" as cached fragments: a write shows on the very next
request, a fragment never reaches a viewer it was not rendered for, and the queries and the
HTML stay the same size however many investments there are."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from investments.models import Investment
from investments.services import spending_record
from investments.views import RECENT_INVESTMENTS
from omstilling.access import VIEWED_PLAN_SESSION_KEY
from omstilling.models import Plan
from tests.factories import (
    DevelopmentSchoolFactory,
    InvestmentDecisionFactory,
    InvestmentFactory,
    PlanFactory,
    SpendingFactory,
)
from tests.investments.conftest import S, walk

pytestmark = pytest.mark.django_db

POOL = reverse("investments:pool")
LIST = reverse("investments:investment_list")


def _main(response) -> str:
    return response.content.decode().split('id="main-content"')[1].split("</main>")[0]


def _many_investments(plan, schools, per_school):
    for school in schools:
        for _ in range(per_school):
            investment = InvestmentFactory(
                development_school=school, amount=Decimal("10.00"), state=S.I_GANG
            )
            InvestmentDecisionFactory(investment=investment)
            SpendingFactory(investment=investment, amount=Decimal("1.00"))


# --- a write shows on the very next request ---------------------------------------------------


def test_a_decision_shows_on_the_next_request_to_the_pool(client, bfu, chef, make_investment):
    investment = make_investment("2000000", S.BEHANDLET_BFU, title="Sprog i overgangen")
    client.force_login(bfu)
    before = _main(client.get(POOL))
    assert re.search(r'id="pool-approved">\s*0 kr\.', before)
    assert client.get(POOL).content.decode().count("Sprog i overgangen") == 1  # from the cache

    walk(investment, chef, S.GODKENDT)  # the investments family
    after = _main(client.get(POOL))

    assert re.search(r'id="pool-approved">\s*2\.000\.000 kr\.', after)
    assert "19. februar 2025" in after  # the approval's date in the list of the latest


def test_spending_shows_on_the_next_request_to_the_list(client, bfu, chef, make_investment):
    investment = make_investment("2000000", S.I_GANG)
    client.force_login(bfu)
    assert "187.512,50 kr." not in _main(client.get(LIST))

    spending_record(
        investment=investment,
        by=chef,
        spent_on=investment.created_at.date(),
        amount=Decimal("187512.50"),
    )

    assert "187.512,50 kr." in _main(client.get(LIST))


def test_a_renamed_school_and_plan_show_on_the_next_request(
    client, bfu, plan, dev_school, make_investment
):
    make_investment("1000000")
    client.force_login(bfu)
    assert "Skole A (demo)" in _main(client.get(POOL))
    assert "Skole A (demo)" in _main(client.get(LIST))

    dev_school.school.name = "Bakkeskolen"
    dev_school.school.save()  # the core family
    plan.funding_title = "Fremtidens folkeskole"
    plan.save()

    pool = _main(client.get(POOL))
    assert "Bakkeskolen" in pool and "Skole A (demo)" not in pool
    assert "Fremtidens folkeskole" in pool
    assert "Bakkeskolen" in _main(client.get(LIST))


# --- no leak across viewers --------------------------------------------------------------------


def test_bfu_never_gets_chefgruppens_buttons_from_a_fragment_cached_for_them(
    client, chef, bfu, make_investment
):
    make_investment("1000000")
    client.force_login(chef)
    assert reverse("investments:investment_create") in _main(client.get(POOL))

    client.force_login(bfu)
    main = _main(client.get(POOL))

    assert reverse("investments:investment_create") not in main
    assert reverse("investments:school_create") not in main


def test_an_earlier_plan_shows_chefgruppen_no_buttons(client, chef, plan, make_investment):
    make_investment("1000000")
    client.force_login(chef)
    assert reverse("investments:investment_create") in _main(client.get(POOL))

    PlanFactory(slug="ny-plan", is_current=True, funding_amount=Decimal("1000"))
    assert Plan.objects.current_pk() != plan.pk
    session = client.session
    session[VIEWED_PLAN_SESSION_KEY] = plan.pk
    session.save()
    main = _main(client.get(POOL))

    assert "Udviklende fællesskaber" in main  # the earlier plan's pool, read-only
    assert reverse("investments:investment_create") not in main


def test_a_stray_parameter_never_reaches_the_links_another_viewer_gets(
    client, bfu, owner, plan, dev_school
):
    _many_investments(plan, [dev_school], 60)
    client.force_login(bfu)
    first = _main(client.get(LIST, {"status": "i_gang", "spor": "evil"}))
    assert "spor=evil" not in first and "status=i_gang&amp;side=2" in first

    client.force_login(owner)
    second = _main(client.get(LIST, {"status": "i_gang"}))

    assert "spor=evil" not in second and "status=i_gang&amp;side=2" in second


# --- bounded queries and HTML ------------------------------------------------------------------


def test_the_list_reads_in_a_constant_number_of_queries(
    client, bfu, plan, dev_school, other_dev_school, django_assert_num_queries
):
    # 1 session, 2 user, 3 the plan (the menu's too: one lookup per request); the main part
    # when it is not cached: 4 the schools for the filter (the chosen one is found among them:
    # 5), 6 the count, 7 the page's investments with their sums and dates; then 8 the unread
    # notifications. Cached: the first three and the last.
    _many_investments(plan, [dev_school, other_dev_school], 3)
    client.force_login(bfu)
    params = {"skole": dev_school.pk, "status": "i_gang", "side": "1"}
    with django_assert_num_queries(8):
        small = client.get(LIST, params)
    with django_assert_num_queries(4):
        client.get(LIST, params)

    _many_investments(plan, [dev_school, other_dev_school], 80)
    with django_assert_num_queries(8):
        large = client.get(LIST, params)
    with django_assert_num_queries(4):
        client.get(LIST, params)

    assert "3 investeringer" in _main(small)
    assert "83 investeringer" in _main(large)
    assert _main(large).count('href="/investeringer/') >= 50


def test_the_pool_reads_in_a_constant_number_of_queries(
    client, bfu, plan, dev_school, other_dev_school, django_assert_num_queries
):
    _many_investments(plan, [dev_school, other_dev_school], 3)
    client.force_login(bfu)
    # Cold: see test_views.test_the_pool_page_runs_a_bounded_number_of_queries; cached: 1
    # session, 2 user, 3 the plan (the menu's too), 4 the unread notifications.
    with django_assert_num_queries(10):
        client.get(POOL)
    with django_assert_num_queries(4):
        client.get(POOL)

    _many_investments(plan, [dev_school, other_dev_school], 80)
    with django_assert_num_queries(10):
        client.get(POOL)
    with django_assert_num_queries(4):
        client.get(POOL)


def test_the_pool_page_stays_the_same_size_with_ten_times_the_investments(
    client, bfu, plan, dev_school, other_dev_school
):
    # As the demo data (14 investments): at least a full list of the latest to begin with.
    _many_investments(plan, [dev_school, other_dev_school], RECENT_INVESTMENTS // 2 + 2)
    client.force_login(bfu)
    small = len(client.get(POOL).content)

    schools = [DevelopmentSchoolFactory(plan=plan) for _ in range(3)]
    _many_investments(plan, [dev_school, other_dev_school, *schools], 40)
    assert Investment.objects.count() >= 10 * (RECENT_INVESTMENTS + 4)
    large = len(client.get(POOL).content)

    # Three more schools add three rows to the table per school; nothing grows with the
    # investments.
    assert large <= 1.2 * small


def test_the_list_page_stays_the_same_size_beyond_a_page(client, bfu, plan, dev_school):
    _many_investments(plan, [dev_school], 55)
    client.force_login(bfu)
    small = len(client.get(LIST).content)

    _many_investments(plan, [dev_school], 500)
    large = len(client.get(LIST).content)

    assert large <= 1.2 * small
