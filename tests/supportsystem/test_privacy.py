"""No case number is ever stored: only its HMAC key, the same for the same number."""

from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse

from omstilling.privacy import case_key
from supportsystem.models import ConcernType, Forloeb

CASE_NUMBERS = ["SAG-2025-9876", "Sag-2025-5432", "DEMO-0099"]


def _all_stored_text() -> str:
    """Every value of every column of every table, as text (sessions decoded)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                chunks += [value if isinstance(value, str) else repr(value) for value in row]
    chunks += [str(session.get_decoded()) for session in Session.objects.all()]
    return "\n".join(chunks).upper()


def test_the_same_case_number_always_gives_the_same_key(make_forloeb, circle):
    forloeb = make_forloeb(concern_type=ConcernType.BARN, case_number="SAG-2025-9876")

    assert forloeb.case_key == case_key("sag-2025-9876 ")
    assert forloeb.case_key != case_key("SAG-2025-9877")
    assert Forloeb.objects.get(case_key=case_key(" SAG-2025-9876")) == forloeb


def test_no_case_number_is_stored_anywhere(client, support, school, circle, make_forloeb):
    client.force_login(support)
    # through the page, as a user would …
    client.post(
        reverse("supportsystem:forloeb_create"),
        {
            "institution": school.pk,
            "concern_type": ConcernType.BARN,
            "case_number": CASE_NUMBERS[0],
            "opened_on": "2025-09-01",
        },
    )
    # … again (refused as a duplicate: the error page must not keep it either) …
    client.post(
        reverse("supportsystem:forloeb_create"),
        {
            "institution": school.pk,
            "concern_type": ConcernType.BARN,
            "case_number": CASE_NUMBERS[0],
            "opened_on": "2025-09-01",
        },
    )
    # … found by its case number …
    client.post(
        reverse("supportsystem:forloeb_find"), {"case_number": CASE_NUMBERS[0]}, follow=True
    )
    # … and through the service.
    for number in CASE_NUMBERS[1:]:
        make_forloeb(concern_type=ConcernType.BARN, case_number=number)

    assert Forloeb.objects.filter(concern_type=ConcernType.BARN).count() == 3
    stored = _all_stored_text()
    for number in CASE_NUMBERS:
        assert number.upper() not in stored
    assert "2025-9876" not in stored  # nor without its prefix
    assert "2025-5432" not in stored
    assert case_key(CASE_NUMBERS[0]).upper() in stored  # the scan does see the forløb rows
