"""Visitation's pages: recording før-henvisninger, henvisninger and decisions, finding a case."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from omstilling.privacy import case_key
from tests.visitation.conftest import CASE_NUMBER
from visitation.models import Decision, PreReferral, Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, visitation):
    client.force_login(visitation)
    return client


def _pre_data(school, **overrides):
    return {
        "case_number": CASE_NUMBER,
        "institution": str(school.pk),
        "age_group": "skole_4_6",
        "held_on": "2026-10-05",
        "led_by": "laeringskonsulent",
        "outcome": "afventer",
        "outcome_on": "",
        **overrides,
    }


def test_it_records_a_pre_referral_and_shows_it(logged_in, school):
    response = logged_in.post(reverse("visitation:pre_referral_create"), _pre_data(school))

    pre_referral = PreReferral.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("visitation:pre_referral_detail", args=[pre_referral.pk])
    page = logged_in.get(response.url)
    assert "Før-henvisningen er registreret." in page.content.decode()
    assert "5. oktober 2026" in page.content.decode()
    assert pre_referral.case_key == case_key(CASE_NUMBER)


def test_it_shows_the_cpr_message_and_keeps_nothing(logged_in, school):
    response = logged_in.post(
        reverse("visitation:pre_referral_create"),
        _pre_data(school, case_number="120398-1234"),
    )

    assert response.status_code == 200
    assert "Det ligner et CPR-nummer" in response.content.decode()
    assert "120398-1234" not in response.content.decode()
    assert not PreReferral.objects.exists()


def test_it_records_a_referral_and_then_its_decision(logged_in, school, pre_referral):
    response = logged_in.post(
        reverse("visitation:referral_create"),
        {
            "case_number": CASE_NUMBER,
            "institution": str(school.pk),
            "age_group": "skole_1_3",
            "received_on": "2026-10-12",
        },
    )
    referral = Referral.objects.get()
    assert response.url == reverse("visitation:referral_detail", args=[referral.pk])
    assert referral.pre_referral == pre_referral

    response = logged_in.post(
        reverse("visitation:referral_detail", args=[referral.pk]),
        {
            "decided_on": "2026-11-02",
            "decision": "specialtilbud",
            "special_offer_type": "specialklasse",
            "note": "",
        },
        follow=True,
    )

    content = response.content.decode()
    assert "Afgørelsen er gemt." in content
    assert "Specialtilbud: Specialklasse" in content
    assert "2. november 2026" in content
    assert Decision.objects.count() == 1


def test_a_decision_with_errors_is_shown_again_with_the_field_named(logged_in, referral):
    response = logged_in.post(
        reverse("visitation:referral_detail", args=[referral.pk]),
        {"decided_on": "2026-11-02", "decision": "specialtilbud", "special_offer_type": ""},
    )

    assert response.status_code == 200
    assert "Vælg typen af specialtilbud." in response.content.decode()
    assert not Decision.objects.exists()


def test_the_outcome_of_a_pre_referral_can_be_recorded(logged_in, pre_referral):
    response = logged_in.post(
        reverse("visitation:pre_referral_detail", args=[pre_referral.pk]),
        {"outcome": "almentilbud", "outcome_on": "2026-09-20"},
        follow=True,
    )

    assert "Udfaldet er gemt." in response.content.decode()
    pre_referral.refresh_from_db()
    assert pre_referral.outcome == "almentilbud"


def test_the_search_by_case_number_is_sent_by_post_and_finds_the_case(
    logged_in, school, referral, pre_referral
):
    other = referral.__class__.objects.create(
        institution=school,
        age_group="skole_0",
        case_key=case_key("ANDEN-SAG"),
        received_on=dt.date(2026, 10, 1),
    )

    response = logged_in.post(reverse("visitation:workspace"), {"case_number": "sag-2026-4711"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "2 registreringer på sagen" in content
    assert reverse("visitation:referral_detail", args=[referral.pk]) in content
    assert reverse("visitation:referral_detail", args=[other.pk]) not in content
    assert response["Cache-Control"] == "no-store"


def test_the_search_as_htmx_returns_the_results_only(logged_in, referral):
    response = logged_in.post(
        reverse("visitation:workspace"),
        {"case_number": CASE_NUMBER},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )

    assert b"<html" not in response.content
    assert b"registreringer p" in response.content


def test_only_my_records_can_be_listed(logged_in, visitation, school, referral):
    theirs = Referral.objects.create(
        institution=school,
        age_group="skole_0",
        case_key=case_key("ANDEN-SAG"),
        received_on=dt.date(2026, 10, 1),
    )

    everything = logged_in.get(reverse("visitation:workspace")).content.decode()
    mine = logged_in.get(reverse("visitation:workspace") + "?mine=1").content.decode()

    detail = reverse("visitation:referral_detail", args=[theirs.pk])
    assert detail in everything
    assert detail not in mine
    assert reverse("visitation:referral_detail", args=[referral.pk]) in mine


# Dates and times are left out: written as text they hold any digits ("…08:04:47.114711").
_TEMPORAL = {"DateField", "DateTimeField", "TimeField", "DurationField"}


def _text_columns_containing(text: str) -> list[str]:
    """Every column of every table in the database (dates and times aside) whose text
    contains `text`."""
    found = []
    introspection = connection.introspection
    with connection.cursor() as cursor:
        for table in introspection.table_names(cursor):
            for column in introspection.get_table_description(cursor, table):
                try:
                    if introspection.get_field_type(column.type_code, column) in _TEMPORAL:
                        continue
                except KeyError:  # a type Django has no field for: scanned as text
                    pass
                table_q = connection.ops.quote_name(table)
                column_q = connection.ops.quote_name(column.name)
                cursor.execute(
                    f"SELECT COUNT(*) FROM {table_q} WHERE UPPER(CAST({column_q} AS TEXT)) LIKE %s",
                    [f"%{text.upper()}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column.name}")
    return found


def test_no_case_number_is_stored_anywhere(logged_in, school):
    logged_in.post(reverse("visitation:pre_referral_create"), _pre_data(school))
    logged_in.post(
        reverse("visitation:referral_create"),
        {
            "case_number": CASE_NUMBER,
            "institution": str(school.pk),
            "age_group": "skole_1_3",
            "received_on": "2026-10-12",
        },
    )
    referral = Referral.objects.get()
    logged_in.post(
        reverse("visitation:referral_detail", args=[referral.pk]),
        {"decided_on": "2026-11-02", "decision": "almen_med_stoette"},
    )
    logged_in.post(reverse("visitation:workspace"), {"case_number": CASE_NUMBER})
    assert PreReferral.objects.count() == 1 and Decision.objects.count() == 1

    assert _text_columns_containing(CASE_NUMBER) == []
    assert _text_columns_containing("4711") == []
    # The key is there, which shows the scan reads these tables.
    assert _text_columns_containing(case_key(CASE_NUMBER)) != []


def test_an_empty_pre_referral_says_what_is_missing_on_each_field(logged_in):
    response = logged_in.post(reverse("visitation:pre_referral_create"), {"outcome": "afventer"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Dette felt er påkrævet." not in page
    for field, message in [
        ("case_number", "Skriv sagsnummeret fra kommunens sagssystem."),
        ("institution", "Vælg barnets dagtilbud eller skole."),
        ("age_group", "Vælg barnets alder eller klassetrin."),
        ("held_on", "Angiv datoen, hvor før-henvisningen blev holdt."),
        ("led_by", "Vælg, hvem i det eksterne støttesystem der ledte den."),
    ]:
        error = page.split(f'id="id_{field}-error"', 1)[1].split("</span>", 2)[1]
        assert message in error, field
    assert not PreReferral.objects.exists()
