"""Every page of investments/urls.py, persona by persona; the forms; the pool's numbers; queries."""

import datetime as dt
import re
from decimal import Decimal
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from investments.models import (
    DevelopmentSchool,
    Investment,
    InvestmentDecision,
    InvestmentState,
    Spending,
    state_label,
)
from investments.selectors import pool_summary
from investments.services import spending_record
from tests.factories import (
    DevelopmentSchoolFactory,
    InitiativeFactory,
    InstitutionFactory,
    InvestmentDecisionFactory,
    InvestmentFactory,
    PlanFactory,
    SpendingFactory,
    UserFactory,
)
from tests.investments.conftest import S, walk

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Europe/Copenhagen"))

PERSONA_FIXTURES = {
    "chef": "chef",
    "bfu": "bfu",
    "owner": "owner",
    "leader": "leader",
    "support": "support",
    "visitation": "visitation",
    "admin": "admin_user",
}
PERSONAS = list(PERSONA_FIXTURES)
# The role matrix: chefgruppen writes; initiativejere, ledere and BFU read; the rest see nothing.
READERS = {"chef", "bfu", "owner", "leader"}
WRITERS = {"chef"}

READ_PAGES = [
    "pool",
    "investment_list",
    "investment_detail",
    "school_detail",
    "export_xlsx",
    "export_csv",
]
WRITE_PAGES = [
    "investment_create",
    "investment_edit",
    "investment_decide",
    "spending_record",
    "school_create",
    "school_edit",
]


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def persona(request):
    return request.getfixturevalue(PERSONA_FIXTURES[request.param])


@pytest.fixture
def investment(make_investment):
    return make_investment("1000000", S.GODKENDT, title="Fleksible læringsmiljøer")


@pytest.fixture
def urls(investment, dev_school):
    return {
        "pool": reverse("investments:pool"),
        "investment_list": reverse("investments:investment_list"),
        "investment_detail": reverse("investments:investment_detail", args=[investment.pk]),
        "school_detail": reverse("investments:school_detail", args=[dev_school.pk]),
        "export_xlsx": reverse("investments:export_xlsx"),
        "export_csv": reverse("investments:export_csv"),
        "investment_create": reverse("investments:investment_create"),
        "investment_edit": reverse("investments:investment_edit", args=[investment.pk]),
        "investment_decide": reverse("investments:investment_decide", args=[investment.pk]),
        "spending_record": reverse("investments:spending_record", args=[investment.pk]),
        "school_create": reverse("investments:school_create"),
        "school_edit": reverse("investments:school_edit", args=[dev_school.pk]),
    }


def _valid_post(name, investment, dev_school):
    """A POST that a writer's request would succeed with, per write page."""
    return {
        "investment_create": {
            "development_school": dev_school.pk,
            "title": "Ny investering",
            "amount": "1.250.000,50",
        },
        "investment_edit": {
            "development_school": dev_school.pk,
            "title": "Nyt navn",
            "amount": "1000000",
            "expected_version": investment.version,
        },
        "investment_decide": {
            "to_state": "i_gang",
            "decided_on": "2026-01-05",
            "expected_version": investment.version,
        },
        "spending_record": {"spent_on": "2026-01-05", "amount": "1000"},
        "school_create": {"school": InstitutionFactory(name="Skole C (demo)").pk},
        "school_edit": {"order": "3"},
    }[name]


def _counts():
    return (
        Investment.objects.count(),
        InvestmentDecision.objects.count(),
        Spending.objects.count(),
        DevelopmentSchool.objects.count(),
        tuple(Investment.objects.values_list("title", "version").order_by("pk")),
        tuple(DevelopmentSchool.objects.values_list("order", flat=True).order_by("pk")),
    )


def _text(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


# --- who may do what -------------------------------------------------------------------------


@pytest.mark.parametrize("name", READ_PAGES + WRITE_PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_sends_anonymous_visitors_to_the_login_page(client, urls, name, method):
    response = getattr(client, method)(urls[name])

    assert response.status_code == 302
    assert response.url.startswith("/log-ind/?next=")


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
@pytest.mark.parametrize("page", READ_PAGES)
def test_it_shows_the_pool_to_the_roles_that_read_it(client, urls, persona, page, request):
    client.force_login(persona)

    response = client.get(urls[page])

    allowed = request.node.callspec.params["persona"] in READERS
    assert response.status_code == (200 if allowed else 403)


def test_it_refuses_the_pool_to_a_user_without_a_role(client, urls):
    client.force_login(UserFactory(username="uden-rolle", role=""))

    for page in READ_PAGES + WRITE_PAGES:
        assert client.get(urls[page]).status_code == 403, page


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
@pytest.mark.parametrize("page", WRITE_PAGES)
def test_it_opens_the_forms_only_for_chefgruppen(client, urls, persona, page, request):
    client.force_login(persona)

    response = client.get(urls[page])

    allowed = request.node.callspec.params["persona"] in WRITERS
    assert response.status_code == (200 if allowed else 403)


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
@pytest.mark.parametrize("page", WRITE_PAGES)
def test_it_writes_only_for_chefgruppen(
    client, urls, investment, dev_school, persona, page, request
):
    data = _valid_post(page, investment, dev_school)
    before = _counts()
    client.force_login(persona)

    response = client.post(urls[page], data)

    if request.node.callspec.params["persona"] in WRITERS:
        assert response.status_code == 302, _text(response)[-3000:]
        assert _counts() != before
    else:
        assert response.status_code == 403
        assert _counts() == before


def test_it_answers_404_for_an_investment_that_does_not_exist(client, chef, bfu):
    client.force_login(bfu)
    assert client.get(reverse("investments:investment_detail", args=[999])).status_code == 404
    client.force_login(chef)
    assert client.get(reverse("investments:investment_decide", args=[999])).status_code == 404


def test_it_refuses_a_bfu_member_before_saying_whether_an_investment_exists(client, bfu):
    client.force_login(bfu)

    assert client.post(reverse("investments:investment_decide", args=[999])).status_code == 403


@pytest.mark.parametrize("page", ["pool", "investment_detail", "school_detail"])
def test_it_shows_a_bfu_member_no_edit_controls(client, urls, bfu, page):
    client.force_login(bfu)

    html = client.get(urls[page]).content.decode()

    for name in WRITE_PAGES:
        assert urls[name] not in html, name
    assert "/investeringer/ny/" not in html
    main = html.split('id="main-content"')[1].split("</main>")[0]
    assert "<form" not in main


@pytest.mark.parametrize("page", ["pool", "investment_detail", "school_detail"])
def test_it_shows_chefgruppen_the_edit_controls(client, urls, chef, page):
    client.force_login(chef)

    html = client.get(urls[page]).content.decode()

    expected = {
        "pool": ["investment_create", "school_create"],
        "investment_detail": ["investment_edit", "investment_decide", "spending_record"],
        "school_detail": ["school_edit"],
    }[page]
    for name in expected:
        assert urls[name] in html, name


@pytest.mark.parametrize(
    ("persona", "shown"), [("chef", True), ("bfu", True), ("leader", True), ("support", False)]
)
def test_it_links_the_pool_in_the_menu_for_its_readers(client, plan, all_personas, persona, shown):
    client.force_login(all_personas[persona])

    html = client.get(reverse("tracks:overview")).content.decode()

    assert ('href="/investeringer/"' in html) is shown


def test_a_plan_without_a_pool_has_none_in_the_menu_and_its_pool_page_says_so(client, chef):
    PlanFactory(funding_amount=None)
    client.force_login(chef)

    menu = client.get(reverse("tracks:overview")).content.decode()
    pool = client.get(reverse("investments:pool"))
    create = client.get(reverse("investments:investment_create"), follow=True)

    assert 'href="/investeringer/"' not in menu
    assert "Planen har ingen investeringspulje" in pool.content.decode()
    assert 'href="/investeringer/ny/"' not in pool.content.decode()
    assert create.redirect_chain == [(reverse("investments:pool"), 302)]
    assert "Planen har ingen investeringspulje." in create.content.decode()


# --- the pool overview -----------------------------------------------------------------------


@pytest.fixture
def pool_data(plan, dev_school, other_dev_school, chef):
    """A small data set with hand-computed sums (kr.):

    Skole A: 12.000.000,50 godkendt (spent 1.000.000,25 + 2.000.000,25), 3.000.000 i gang
             (spent 500.000), 7.000.000 kladde, 1.000.000 afvist
    Skole B: 20.000.000 afsluttet (spent 19.999.999,99), 4.000.000 behandlet i BFU
    approved = 12.000.000,50 + 3.000.000 + 20.000.000 = 35.000.000,50
    spent    = 3.000.000,50 + 500.000 + 19.999.999,99 = 23.500.000,49
    free     = 50.000.000 − 35.000.000,50 = 14.999.999,50
    """
    a1 = InvestmentFactory(
        development_school=dev_school, amount=Decimal("12000000.50"), state=S.GODKENDT
    )
    SpendingFactory(investment=a1, amount=Decimal("1000000.25"))
    SpendingFactory(investment=a1, amount=Decimal("2000000.25"))
    InvestmentDecisionFactory(investment=a1, decided_on=dt.date(2025, 3, 4), reference="sag 137")
    a2 = InvestmentFactory(development_school=dev_school, amount=Decimal("3000000"), state=S.I_GANG)
    SpendingFactory(investment=a2, amount=Decimal("500000"))
    InvestmentFactory(development_school=dev_school, amount=Decimal("7000000"), state=S.KLADDE)
    InvestmentFactory(development_school=dev_school, amount=Decimal("1000000"), state=S.AFVIST)
    b1 = InvestmentFactory(
        development_school=other_dev_school, amount=Decimal("20000000"), state=S.AFSLUTTET
    )
    SpendingFactory(investment=b1, amount=Decimal("19999999.99"))
    InvestmentFactory(
        development_school=other_dev_school, amount=Decimal("4000000"), state=S.BEHANDLET_BFU
    )
    return {"a1": a1, "b1": b1}


def test_the_pool_summary_equals_the_hand_computed_numbers(plan, pool_data, dev_school):
    summary = pool_summary(plan=plan)

    assert summary["granted"] == Decimal("50000000.00")
    assert summary["approved"] == Decimal("35000000.50")
    assert summary["spent"] == Decimal("23500000.49")
    assert summary["free"] == Decimal("14999999.50")
    rows = [(r["school"], r["approved"], r["spent"], r["investments"]) for r in summary["schools"]]
    assert rows == [
        (dev_school, Decimal("15000000.50"), Decimal("3500000.50"), 3),
        (pool_data["b1"].development_school, Decimal("20000000.00"), Decimal("19999999.99"), 2),
    ]


def test_the_pool_page_shows_the_hand_computed_numbers(client, bfu, pool_data):
    client.force_login(bfu)

    text = _text(client.get(reverse("investments:pool")))

    assert re.search(r'id="pool-granted">\s*50\.000\.000 kr\.', text)
    assert re.search(r'id="pool-approved">\s*35\.000\.000,50 kr\.', text)
    assert re.search(r'id="pool-spent">\s*23\.500\.000,49 kr\.', text)
    assert re.search(r'id="pool-free">\s*14\.999\.999,50 kr\.', text)
    assert "Byrådet bevilgede 50.000.000 kr. den 19. juni 2024 (sag 137)." in text
    assert "Puljen finansierer 10 udviklingsskoler" in text
    # Per school: approved and spent, in the row of the school.
    row_a = re.search(r"Skole A \(demo\)</a></th>(.*?)</tr>", text).group(1)
    assert "15.000.000,50 kr." in row_a and "3.500.000,50 kr." in row_a
    assert "Børnehave A (demo)" in row_a
    row_b = re.search(r"Skole B \(demo\)</a></th>(.*?)</tr>", text).group(1)
    assert "20.000.000 kr." in row_b and "19.999.999,99 kr." in row_b
    # The investment list: state as text, approval date and reference.
    assert "Godkendt af ØKU og gruppeformænd" in text
    assert "4. marts 2025" in text and "sag 137" in text


def test_the_pool_page_runs_a_bounded_number_of_queries(
    client, bfu, plan, pool_data, dev_school, other_dev_school, django_assert_max_num_queries
):
    # 1 session, 2 user, 3 the plan; the main part when it is not cached: pool summary, 4
    # schools with their sums, 5 their daycares, 6 approved total, 7 spent total; 8 the count
    # and sum per status; 9 the investments changed last with their sums and dates; then 10
    # the menu's plan, 11 the unread notifications in the header. Whatever the number of rows.
    client.force_login(bfu)
    with django_assert_max_num_queries(11):
        assert client.get(reverse("investments:pool")).status_code == 200

    for school in [dev_school, other_dev_school] + [
        DevelopmentSchoolFactory(plan=plan) for _ in range(8)
    ]:
        for _ in range(6):
            investment = InvestmentFactory(
                development_school=school, amount=Decimal("10.00"), state=S.I_GANG
            )
            InvestmentDecisionFactory(investment=investment)
            SpendingFactory(investment=investment, amount=Decimal("1.00"))
    assert Investment.objects.count() >= 10 * 6

    with django_assert_max_num_queries(11):
        response = client.get(reverse("investments:pool"))
    assert response.status_code == 200
    assert len(response.context["recent"]) == 10
    assert f"Se alle {Investment.objects.count()} investeringer" in response.content.decode()


def test_the_investment_page_runs_a_bounded_number_of_queries(
    client, chef, investment, django_assert_max_num_queries
):
    for _ in range(20):
        SpendingFactory(investment=investment, amount=Decimal("1.00"))
    client.force_login(chef)

    # session, user, the investment, its decisions, its spending, its initiatives, menu's plan,
    # the current plan's pk (only the current plan's investments are written to), the unread
    # notifications in the header; the "Beslutninger" section (omstilling/panels.py): the
    # decisions, the current plan's pk again (decisions.access caches it on the user,
    # investments.access does not); the "Bilag" section: the documents
    with django_assert_max_num_queries(12):
        assert (
            client.get(reverse("investments:investment_detail", args=[investment.pk])).status_code
            == 200
        )


def test_the_investment_page_shows_the_decision_history_and_spending(client, bfu, investment):
    SpendingFactory(investment=investment, amount=Decimal("187512.50"), note="Første hold")
    client.force_login(bfu)

    text = _text(client.get(reverse("investments:investment_detail", args=[investment.pk])))

    assert "Oprettet som kladde" in text
    assert "5. februar 2025 · Behandlet i BFU · sag 12" in re.sub(r"<[^>]+>", "", text)
    assert "19. februar 2025 · Godkendt af ØKU og gruppeformænd · sag 137" in re.sub(
        r"<[^>]+>", "", text
    )
    assert "187.512,50 kr." in text and "Første hold" in text
    assert "812.487,50 kr. tilbage" in text


# --- the forms -------------------------------------------------------------------------------


def test_it_creates_an_investment_from_danish_input(client, chef, dev_school, spor, plan):
    initiative = InitiativeFactory(spor=spor)
    client.force_login(chef)

    response = client.post(
        reverse("investments:investment_create"),
        {
            "development_school": dev_school.pk,
            "title": "Læse- og skrivestrategier",
            "purpose": "På tværs af fag.",
            "amount": "1.250.000,50 kr.",
            "initiatives": [initiative.pk],
        },
    )

    investment = Investment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("investments:investment_detail", args=[investment.pk])
    assert investment.amount == Decimal("1250000.50")
    assert investment.state == S.KLADDE
    assert list(investment.initiatives.all()) == [initiative]


def test_it_ties_a_bad_amount_to_its_field(client, chef, dev_school):
    client.force_login(chef)

    response = client.post(
        reverse("investments:investment_create"),
        {"development_school": dev_school.pk, "title": "X", "amount": "mange penge"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_amount-error"' in html
    assert 'aria-describedby="id_amount-hint id_amount-error"' in html
    assert "Skriv beløbet som et tal i kroner" in html
    assert not Investment.objects.exists()


def test_it_offers_only_the_allowed_next_steps(client, chef, make_investment):
    client.force_login(chef)
    cases = {
        S.KLADDE: {"behandlet_bfu", "afvist"},
        S.BEHANDLET_BFU: {"godkendt", "afvist"},
        S.GODKENDT: {"i_gang"},
        S.I_GANG: {"afsluttet"},
        S.AFSLUTTET: set(),
    }
    for state, offered in cases.items():
        investment = make_investment("1000", state)

        html = client.get(
            reverse("investments:investment_decide", args=[investment.pk])
        ).content.decode()

        assert set(re.findall(r'name="to_state"[^>]*value="([a-z_]+)"', html)) == offered, state


def test_it_refuses_a_step_out_of_order_even_when_posted_by_hand(client, chef, make_investment):
    investment = make_investment("1000")
    client.force_login(chef)

    response = client.post(
        reverse("investments:investment_decide", args=[investment.pk]),
        {
            "to_state": "godkendt",
            "decided_on": "2026-01-05",
            "reference": "sag 137",
            "expected_version": 0,
        },
    )

    assert response.status_code == 200
    assert 'id="id_to_state-error"' in response.content.decode()
    investment.refresh_from_db()
    assert investment.state == S.KLADDE
    assert not InvestmentDecision.objects.exists()


def test_it_shows_the_pool_limit_when_an_approval_would_over_commit(client, chef, make_investment):
    make_investment("48000000", S.GODKENDT)
    investment = make_investment("3000000", S.BEHANDLET_BFU)
    client.force_login(chef)

    response = client.post(
        reverse("investments:investment_decide", args=[investment.pk]),
        {
            "to_state": "godkendt",
            "decided_on": "2026-01-05",
            "reference": "sag 200",
            "expected_version": investment.version,
        },
    )

    assert response.status_code == 200
    assert (
        "Godkendelsen ville overskride puljen: 48.000.000 kr. er godkendt, 2.000.000 kr. er fri, "
        "investeringen er 3.000.000 kr." in _text(response)
    )
    investment.refresh_from_db()
    assert investment.state == S.BEHANDLET_BFU


def test_it_answers_409_when_someone_recorded_a_step_meanwhile(client, chef, make_investment):
    investment = make_investment("1000")
    stale_version = investment.version
    walk(investment, chef, S.BEHANDLET_BFU)
    client.force_login(chef)

    response = client.post(
        reverse("investments:investment_decide", args=[investment.pk]),
        {"to_state": "afvist", "decided_on": "2026-01-05", "expected_version": stale_version},
    )

    assert response.status_code == 409
    text = _text(response)
    assert "En anden har registreret et trin imens" in text
    assert 'value="godkendt"' in text  # the steps after the other person's
    assert InvestmentDecision.objects.count() == 1


def test_it_records_a_step_with_htmx_and_refreshes_the_page_body(client, chef, make_investment):
    investment = make_investment("1000", S.BEHANDLET_BFU)
    client.force_login(chef)
    url = reverse("investments:investment_decide", args=[investment.pk])

    form = client.get(url, headers={"HX-Request": "true"})
    response = client.post(
        url,
        {
            "to_state": "godkendt",
            "decided_on": "2026-01-05",
            "reference": "sag 137",
            "expected_version": investment.version,
        },
        headers={"HX-Request": "true"},
    )

    assert "<html" not in form.content.decode()
    assert 'id="decision-panel"' in form.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#investment-body"
    html = response.content.decode()
    assert "<html" not in html and 'id="investment-body"' in html
    assert "Beslutningen er registreret: Godkendt af ØKU og gruppeformænd." in html
    assert reverse("investments:spending_record", args=[investment.pk]) in html


def test_it_returns_the_form_partial_with_errors_under_htmx(client, chef, make_investment):
    investment = make_investment("1000", S.GODKENDT)
    client.force_login(chef)

    response = client.post(
        reverse("investments:spending_record", args=[investment.pk]),
        {"spent_on": "2026-01-05", "amount": "1000,01"},
        headers={"HX-Request": "true"},
    )

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "<html" not in html and 'id="spending-panel"' in html
    assert 'id="id_amount-error"' in html
    assert "Forbruget ville overstige investeringens beløb: 0 kr. er forbrugt" in html
    assert not Spending.objects.exists()


def test_it_records_spending_without_javascript(client, chef, investment):
    client.force_login(chef)

    response = client.post(
        reverse("investments:spending_record", args=[investment.pk]),
        {"spent_on": "2026-01-05", "amount": "250.000,25", "note": "Kursus"},
    )

    assert response.status_code == 302
    spending = Spending.objects.get()
    assert (spending.amount, spending.note, spending.by) == (Decimal("250000.25"), "Kursus", chef)
    page = client.get(response.url)
    assert "Forbruget er registreret." in page.content.decode()


def test_it_keeps_amount_and_school_fixed_in_the_edit_form_after_bfu(
    client, chef, investment, other_dev_school
):
    client.force_login(chef)

    response = client.post(
        reverse("investments:investment_edit", args=[investment.pk]),
        {
            "development_school": other_dev_school.pk,
            "title": "Ny titel",
            "amount": "9",
            "expected_version": investment.version,
        },
    )

    assert response.status_code == 302
    investment.refresh_from_db()
    assert investment.title == "Ny titel"
    assert investment.amount == Decimal("1000000.00")
    assert investment.development_school != other_dev_school


def test_it_adds_an_udviklingsskole_with_daycares(client, chef, plan, daycare):
    school = InstitutionFactory(name="Skole C (demo)")
    client.force_login(chef)

    response = client.post(
        reverse("investments:school_create"), {"school": school.pk, "daycares": [daycare.pk]}
    )

    development_school = DevelopmentSchool.objects.get(school=school)
    assert response.status_code == 302
    assert list(development_school.daycares.all()) == [daycare]
    page = client.get(response.url).content.decode()
    assert "Børnehave A (demo)" in page


def test_it_shows_the_limit_on_udviklingsskoler_in_the_form(client, chef, plan, dev_school):
    plan.funding_development_schools = 1
    plan.save()
    client.force_login(chef)

    response = client.post(
        reverse("investments:school_create"), {"school": InstitutionFactory().pk}
    )

    assert response.status_code == 200
    assert "Puljen finansierer højst 1 udviklingsskoler" in _text(response)


def test_the_school_page_lists_its_daycares_and_investments(client, owner, investment, dev_school):
    client.force_login(owner)

    text = _text(client.get(reverse("investments:school_detail", args=[dev_school.pk])))

    assert "Børnehave A (demo)" in text
    assert "Fleksible læringsmiljøer" in text
    assert "1.000.000 kr." in text


def test_it_says_so_when_no_plan_is_loaded(client, bfu):
    client.force_login(bfu)

    assert client.get(reverse("investments:pool")).status_code == 404


def test_a_decision_state_label_names_the_plans_bodies(plan):
    assert state_label(InvestmentState.GODKENDT, plan.names) == "Godkendt af ØKU og gruppeformænd"
    assert state_label(InvestmentState.BEHANDLET_BFU, plan.names) == "Behandlet i BFU"
    # The labels of the states themselves name no body.
    assert InvestmentState.GODKENDT.label == "Godkendt"
    assert InvestmentState.BEHANDLET_BFU.label == "Behandlet i udvalget"


def test_without_an_approving_body_the_committee_approves(plan):
    plan.committee_short = "SDU"
    plan.approving_body = plan.approving_body_short = ""

    assert state_label(InvestmentState.BEHANDLET_BFU, plan.names) == "Behandlet i SDU"
    assert state_label(InvestmentState.GODKENDT, plan.names) == "Godkendt af SDU"


def test_the_cancel_link_of_an_inline_form_gets_the_panel_back(client, chef, investment):
    client.force_login(chef)
    url = reverse("investments:investment_detail", args=[investment.pk])

    for target in ("decision-panel", "spending-panel"):
        html = client.get(url, headers={"HX-Request": "true", "HX-Target": target}).content
        html = html.decode()

        assert "<html" not in html
        assert html.strip().startswith(f'<section id="{target}"')


def test_the_edit_form_writes_amounts_as_danes_do(client, chef, make_investment):
    investment = make_investment(Decimal("5000000"))
    other = make_investment(Decimal("1250000.50"), title="Med øre")
    client.force_login(chef)

    whole = client.get(reverse("investments:investment_edit", args=[investment.pk]))
    with_oere = client.get(reverse("investments:investment_edit", args=[other.pk]))

    assert 'value="5.000.000"' in whole.content.decode()
    assert 'value="1.250.000,50"' in with_oere.content.decode()


def test_dates_in_the_tables_are_written_in_words(client, chef, make_investment):
    investment = make_investment(Decimal("2000000"), S.I_GANG)
    spending_record(
        investment=investment, by=chef, spent_on=dt.date(2025, 9, 18), amount=Decimal("1000")
    )
    client.force_login(chef)

    detail = client.get(reverse("investments:investment_detail", args=[investment.pk]))
    pool = client.get(reverse("investments:pool"))

    assert "18. september 2025" in detail.content.decode()
    assert "18.09.2025" not in detail.content.decode()
    assert "19. februar 2025" in pool.content.decode()  # approved (conftest.STEPS)
    assert "19.02.2025" not in pool.content.decode()
