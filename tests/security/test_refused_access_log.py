"""Refused access is logged: a 403, or a 404 on a protected row, is written to the access log
with who, what (model and row when known, and the page) and when, like reads are.

What counts as a refusal is decided in omstilling.access.is_logged_refusal: every 403 for a
logged-in user, and a 404 that an access helper raised for a protected row. A plain 404 (a
mistyped address, plan content that does not exist) and anonymous visitors are not logged.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from omstilling.models import AccessLog
from tests.factories import (
    DevelopmentSchoolFactory,
    ForloebFactory,
    InvestmentFactory,
    PreReferralFactory,
    ReferralFactory,
)

pytestmark = pytest.mark.django_db

FORLOEB = "supportsystem.Forloeb"
MISSING = 987654


def _refusals() -> list[tuple[str, str, str, str]]:
    return list(
        AccessLog.objects.filter(action=AccessLog.Action.REFUSED)
        .order_by("pk")
        .values_list("username", "model", "object_id", "path")
    )


def _get(client, user, url: str, method: str = "get"):
    client.force_login(user)
    return getattr(client, method)(url)


# --- Forløb (child-level rows of an institution) ----------------------------------------------


def test_a_forloeb_of_another_institution_is_logged(client, leader, other_school):
    forloeb = ForloebFactory(institution=other_school)
    url = reverse("supportsystem:forloeb_detail", args=[forloeb.pk])
    before = timezone.now()

    response = _get(client, leader, url)

    assert response.status_code == 404
    assert _refusals() == [("leder", FORLOEB, str(forloeb.pk), url)]
    entry = AccessLog.objects.get()
    assert entry.user == leader
    assert entry.at >= before


@pytest.mark.parametrize("persona", ["leader", "support"])
@pytest.mark.parametrize("page", ["forloeb_detail", "forloeb_step", "forloeb_reopen"])
def test_a_forloeb_that_does_not_exist_is_logged(client, all_personas, persona, page):
    user = all_personas[persona]
    url = reverse(f"supportsystem:{page}", args=[MISSING])

    response = _get(client, user, url, "get" if page == "forloeb_detail" else "post")

    assert response.status_code == 404
    assert _refusals() == [(user.username, FORLOEB, str(MISSING), url)]


@pytest.mark.parametrize("persona", ["chef", "bfu", "owner", "visitation", "admin"])
def test_forloeb_for_a_role_without_forloeb_are_logged(client, all_personas, persona, school):
    user = all_personas[persona]
    forloeb = ForloebFactory(institution=school)
    detail = reverse("supportsystem:forloeb_detail", args=[forloeb.pk])
    listing = reverse("supportsystem:forloeb_list")

    assert _get(client, user, detail).status_code == 403
    assert _get(client, user, listing).status_code == 403

    assert _refusals() == [
        (user.username, FORLOEB, str(forloeb.pk), detail),
        (user.username, FORLOEB, "", listing),
    ]


def test_the_query_string_is_not_logged(client, bfu, school):
    forloeb = ForloebFactory(institution=school)
    url = reverse("supportsystem:forloeb_detail", args=[forloeb.pk])

    _get(client, bfu, f"{url}?sag=SAG-2025-4711")

    assert AccessLog.objects.get().path == url


# --- Cases (visitation) -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["chef", "bfu", "owner", "leader", "support", "admin"])
@pytest.mark.parametrize(
    ("page", "factory"),
    [("referral_detail", ReferralFactory), ("pre_referral_detail", PreReferralFactory)],
)
def test_a_case_for_a_role_that_may_not_read_cases_is_logged(
    client, all_personas, persona, page, factory
):
    user = all_personas[persona]
    case = factory()
    url = reverse(f"visitation:{page}", args=[case.pk])

    assert _get(client, user, url).status_code == 403
    assert _refusals() == [(user.username, "", str(case.pk), url)]


@pytest.mark.parametrize(
    ("page", "model"),
    [("referral_detail", "visitation.Referral"), ("pre_referral_detail", "visitation.PreReferral")],
)
def test_a_case_that_does_not_exist_is_logged(client, visitation, page, model):
    url = reverse(f"visitation:{page}", args=[MISSING])

    assert _get(client, visitation, url).status_code == 404
    assert _refusals() == [("visitation", model, str(MISSING), url)]


@pytest.mark.parametrize("persona", ["bfu", "leader", "support", "admin"])
def test_the_counts_for_a_role_that_may_not_import_them_are_logged(client, all_personas, persona):
    user = all_personas[persona]
    url = reverse("visitation:counts")

    assert _get(client, user, url).status_code == 403
    assert _refusals() == [(user.username, "", "", url)]


# --- Investments --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["support", "visitation", "admin"])
def test_an_investment_for_a_role_without_the_pool_is_logged(client, all_personas, persona):
    user = all_personas[persona]
    investment = InvestmentFactory()
    url = reverse("investments:investment_detail", args=[investment.pk])

    assert _get(client, user, url).status_code == 403
    assert _refusals() == [(user.username, "", str(investment.pk), url)]


@pytest.mark.parametrize("persona", ["bfu", "leader", "owner"])
@pytest.mark.parametrize("page", ["investment_edit", "investment_decide", "spending_record"])
def test_writing_to_an_investment_as_a_reader_is_logged(client, all_personas, persona, page):
    user = all_personas[persona]
    investment = InvestmentFactory()
    url = reverse(f"investments:{page}", args=[investment.pk])

    assert _get(client, user, url, "post").status_code == 403
    assert [r[0] for r in _refusals()] == [user.username]


@pytest.mark.parametrize(
    ("page", "model"),
    [
        ("investment_detail", "investments.Investment"),
        ("school_detail", "investments.DevelopmentSchool"),
    ],
)
def test_an_investment_or_school_that_does_not_exist_is_logged(client, bfu, page, model):
    DevelopmentSchoolFactory()
    url = reverse(f"investments:{page}", args=[MISSING])

    assert _get(client, bfu, url).status_code == 404
    assert _refusals() == [("bfu", model, str(MISSING), url)]


# --- Plan content and reports: writes refused --------------------------------------------------


def test_a_status_update_by_someone_who_may_not_edit_is_logged(client, other_owner, initiative):
    url = reverse("tracks:initiative_status", args=[initiative.pk])

    assert _get(client, other_owner, url, "post").status_code == 403
    assert _refusals() == [("anden-ejer", "tracks.Initiative", str(initiative.pk), url)]


def test_a_milestone_of_another_institution_is_logged(client, other_leader, local_milestone):
    url = reverse("tracks:milestone_complete", args=[local_milestone.pk])

    assert _get(client, other_leader, url, "post").status_code == 403
    assert _refusals() == [("anden-leder", "tracks.Milestone", str(local_milestone.pk), url)]


@pytest.mark.parametrize("page", ["new_version", "retry"])
def test_a_report_action_for_a_role_that_may_not_issue_is_logged(client, bfu, page):
    url = reverse(f"archive:{page}", args=[41])

    assert _get(client, bfu, url, "post").status_code == 403
    assert _refusals() == [("bfu", "", "41", url)]


def test_an_administrator_reaching_for_plan_content_in_the_admin_is_logged(
    client, admin_user, initiative
):
    """Administrators read the plan's content and its history in the admin (view only); a
    change they send is refused, and the refusal logged."""
    url = reverse("admin:tracks_initiative_change", args=[initiative.pk])

    assert _get(client, admin_user, url).status_code == 200
    assert _refusals() == []
    assert _get(client, admin_user, url, "post").status_code == 403
    assert _refusals() == [("administrator", "", str(initiative.pk), url)]


# --- Not refusals -------------------------------------------------------------------------------


def test_plain_404s_are_not_logged(client, chef, initiative):
    client.force_login(chef)

    assert client.get("/findes-ikke/").status_code == 404
    assert client.get(reverse("tracks:initiative_detail", args=[MISSING])).status_code == 404
    assert client.get(reverse("archive:download", args=[MISSING])).status_code == 404

    assert not AccessLog.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in_and_not_logged(client, school):
    forloeb = ForloebFactory(institution=school)

    response = client.get(reverse("supportsystem:forloeb_detail", args=[forloeb.pk]))
    client.get("/findes-ikke/")

    assert response.status_code == 302
    assert not AccessLog.objects.exists()


def test_an_allowed_read_is_not_a_refusal(client, leader, school):
    forloeb = ForloebFactory(institution=school)

    _get(client, leader, reverse("supportsystem:forloeb_detail", args=[forloeb.pk]))

    assert _refusals() == []
    assert AccessLog.objects.filter(action=AccessLog.Action.READ).count() == 1


# --- The administrators' filter ---------------------------------------------------------------


def test_administrators_filter_the_log_by_refusals(
    client, admin_user, leader, other_school, school
):
    mine = ForloebFactory(institution=school)
    theirs = ForloebFactory(institution=other_school)
    _get(client, leader, reverse("supportsystem:forloeb_detail", args=[mine.pk]))
    _get(client, leader, reverse("supportsystem:forloeb_detail", args=[theirs.pk]))
    client.force_login(admin_user)
    changelist = reverse("admin:omstilling_accesslog_changelist")

    everything = client.get(changelist).content.decode()
    refused = client.get(changelist, {"afvist": "ja"}).content.decode()
    others = client.get(changelist, {"afvist": "nej"}).content.decode()

    assert "afvist adgang" in everything  # the filter is offered
    assert "Adgang afvist" in refused and "Læst" not in _rows(refused)
    assert "Læst" in _rows(others) and "Adgang afvist" not in _rows(others)


def _rows(html: str) -> str:
    """The result table of an admin change list (the filters list every action's name too)."""
    start = html.index('id="result_list"')
    return html[start : html.index("</table>", start)]
