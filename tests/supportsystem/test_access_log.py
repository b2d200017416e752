"""Every read and write of forløb rows is in the access log: who, which row, which action."""

import datetime as dt

import pytest
from django.urls import reverse

from omstilling.models import AccessLog
from supportsystem.models import ConcernType, Forloeb

CASE_NUMBER = "SAG-2025-4711"
NOTE = "Indsats i praksis aftalt med teamet."


def _entries():
    return list(
        AccessLog.objects.order_by("pk").values_list("username", "action", "model", "object_id")
    )


@pytest.fixture
def forloeb(make_forloeb):
    return make_forloeb(concern_type=ConcernType.BARN, case_number=CASE_NUMBER)


def _assert_no_content() -> None:
    for entry in AccessLog.objects.all():
        text = " ".join(str(v) for v in (entry.username, entry.model, entry.object_id, entry.path))
        assert CASE_NUMBER not in text.upper()
        assert NOTE not in text
        assert "3.b" not in text


def test_the_list_is_logged(client, support, forloeb):
    client.force_login(support)
    before = AccessLog.objects.count()

    client.get(reverse("supportsystem:forloeb_list"), {"status": "alle"})

    entry = AccessLog.objects.latest("pk")
    assert AccessLog.objects.count() == before + 1
    assert (entry.username, entry.action, entry.model, entry.object_id) == (
        "stoette",
        "list",
        "supportsystem.Forloeb",
        "",
    )
    assert entry.path == "/stoettesystem/forloeb/?status=alle"


def test_a_read_is_logged_with_the_row(client, leader, forloeb):
    client.force_login(leader)

    client.get(reverse("supportsystem:forloeb_detail", args=[forloeb.pk]))

    entry = AccessLog.objects.latest("pk")
    assert (entry.username, entry.action, entry.model, entry.object_id) == (
        "leder",
        "read",
        "supportsystem.Forloeb",
        str(forloeb.pk),
    )
    _assert_no_content()


def test_creating_is_logged_without_the_content(client, support, school, circle):
    client.force_login(support)

    client.post(
        reverse("supportsystem:forloeb_create"),
        {
            "institution": school.pk,
            "concern_type": ConcernType.BARN,
            "case_number": CASE_NUMBER,
            "opened_on": "2025-09-01",
            "note": NOTE,
        },
    )

    forloeb = Forloeb.objects.get()
    assert ("stoette", "create", "supportsystem.Forloeb", str(forloeb.pk)) in _entries()
    _assert_no_content()


@pytest.mark.parametrize("action", ["move", "close", "reopen"])
def test_every_update_is_logged_without_the_content(client, support, forloeb, circle, action):
    client.force_login(support)
    detail = reverse("supportsystem:forloeb_detail", args=[forloeb.pk])
    today = dt.date.today().isoformat()
    if action == "reopen":
        client.post(
            reverse("supportsystem:forloeb_step", args=[forloeb.pk]),
            {"to_stage": circle.henvist.pk, "on": today},
        )
    before = AccessLog.objects.filter(action="update").count()

    if action == "reopen":
        response = client.post(
            reverse("supportsystem:forloeb_reopen", args=[forloeb.pk]),
            {"to_stage": circle.bekymring.pk, "on": today, "reason": NOTE},
        )
    else:
        stage = circle.opfoelgning if action == "move" else circle.afsluttet_i_almentilbud
        response = client.post(
            reverse("supportsystem:forloeb_step", args=[forloeb.pk]),
            {"to_stage": stage.pk, "on": today, "note": NOTE},
        )

    assert response.status_code == 302
    assert response["Location"] == detail
    updates = AccessLog.objects.filter(action="update")
    assert updates.count() == before + 1
    assert updates.latest("pk").object_id == str(forloeb.pk)
    assert updates.latest("pk").username == "stoette"
    _assert_no_content()


def test_a_refused_request_reads_nothing_and_logs_only_the_refusal(client, bfu, forloeb):
    client.force_login(bfu)
    before = AccessLog.objects.count()

    client.get(reverse("supportsystem:forloeb_detail", args=[forloeb.pk]))
    client.get(reverse("supportsystem:forloeb_list"))

    entries = AccessLog.objects.order_by("pk")[before:]
    assert [(e.action, e.model, e.object_id) for e in entries] == [
        ("refused", "supportsystem.Forloeb", str(forloeb.pk)),
        ("refused", "supportsystem.Forloeb", ""),
    ]
