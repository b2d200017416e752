"""Who may open which visitation page, persona by persona; no-store, htmx history and the
access log on child-level pages."""

import pytest
from django.urls import reverse

from omstilling.models import AccessLog

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

# page → roles that may open it; every other persona gets 403
CHILD_LEVEL_PAGES = [
    "workspace",
    "pre_referral_create",
    "pre_referral_detail",
    "referral_create",
    "referral_detail",
]
ALLOWED = {
    **{page: {"visitation"} for page in CHILD_LEVEL_PAGES},
    "counts": {"visitation", "chef"},
    "counts_template": {"visitation", "chef"},
    "kpi_targets": {"chef"},
}


@pytest.fixture
def persona(request):
    return request.getfixturevalue(PERSONA_FIXTURES[request.param])


@pytest.fixture
def urls(pre_referral, referral):
    return {
        "workspace": reverse("visitation:workspace"),
        "pre_referral_create": reverse("visitation:pre_referral_create"),
        "pre_referral_detail": reverse("visitation:pre_referral_detail", args=[pre_referral.pk]),
        "referral_create": reverse("visitation:referral_create"),
        "referral_detail": reverse("visitation:referral_detail", args=[referral.pk]),
        "counts": reverse("visitation:counts"),
        "counts_template": reverse("visitation:counts_template"),
        "kpi_targets": reverse("visitation:kpi_targets"),
    }


@pytest.mark.parametrize("page", list(ALLOWED))
def test_it_sends_anonymous_visitors_to_log_in(client, urls, page):
    response = client.get(urls[page])

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
@pytest.mark.parametrize("page", list(ALLOWED))
def test_the_access_matrix_for_reading(client, urls, persona, page):
    client.force_login(persona)

    response = client.get(urls[page])

    expected = 200 if persona.username in _usernames(ALLOWED[page]) else 403
    assert response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
@pytest.mark.parametrize("page", ["pre_referral_create", "referral_create", "referral_detail"])
def test_the_access_matrix_for_writing(client, urls, persona, page, school):
    client.force_login(persona)
    before = AccessLog.objects.count()

    response = client.post(urls[page], {"case_number": "SAG-1"})

    if persona.username == "visitation":
        assert response.status_code == 200  # the form comes back with its errors
    else:
        assert response.status_code == 403
        # Nothing read or written: the only entry is the refusal itself.
        assert list(AccessLog.objects.order_by("pk")[before:].values_list("action", "path")) == [
            ("refused", urls[page])
        ]


def _usernames(keys: set[str]) -> set[str]:
    names = {"chef": "chef", "visitation": "visitation"}
    return {names[key] for key in keys}


@pytest.mark.parametrize("page", CHILD_LEVEL_PAGES)
def test_child_level_pages_are_never_stored_and_left_out_of_htmx_history(
    client, urls, visitation, page
):
    client.force_login(visitation)

    response = client.get(urls[page])

    assert response["Cache-Control"] == "no-store"
    assert b'hx-history="false"' in response.content


def test_the_htmx_partial_of_the_workspace_is_never_stored_either(client, urls, visitation):
    client.force_login(visitation)

    response = client.get(urls["workspace"], headers={"HX-Request": "true", "HX-Target": "results"})

    assert response["Cache-Control"] == "no-store"
    assert b"<html" not in response.content
    assert b'id="results"' in response.content


def test_unknown_rows_are_404_for_visitation_staff(client, visitation):
    client.force_login(visitation)

    assert client.get(reverse("visitation:referral_detail", args=[999])).status_code == 404
    assert client.get(reverse("visitation:pre_referral_detail", args=[999])).status_code == 404


def test_reading_a_referral_is_logged_with_who_which_row_and_no_content(
    client, urls, visitation, referral
):
    client.force_login(visitation)
    before = set(AccessLog.objects.values_list("pk", flat=True))

    client.get(urls["referral_detail"])

    new = AccessLog.objects.exclude(pk__in=before)
    assert list(new.values_list("username", "action", "model", "object_id", "path")) == [
        ("visitation", "read", "visitation.Referral", str(referral.pk), urls["referral_detail"])
    ]


def test_the_workspace_logs_every_row_it_lists(client, urls, visitation, referral, pre_referral):
    client.force_login(visitation)
    before = set(AccessLog.objects.values_list("pk", flat=True))

    client.get(urls["workspace"])

    listed = set(
        AccessLog.objects.exclude(pk__in=before).values_list("action", "model", "object_id")
    )
    assert listed == {
        ("list", "visitation.Referral", str(referral.pk)),
        ("list", "visitation.PreReferral", str(pre_referral.pk)),
    }


def test_a_refused_visit_reads_nothing_and_logs_only_the_refusal(client, urls, bfu, referral):
    client.force_login(bfu)
    before = AccessLog.objects.count()

    client.get(urls["referral_detail"])
    client.get(urls["workspace"])

    entries = AccessLog.objects.order_by("pk")[before:]
    assert [(e.action, e.object_id, e.path) for e in entries] == [
        ("refused", str(referral.pk), urls["referral_detail"]),
        ("refused", "", urls["workspace"]),
    ]
