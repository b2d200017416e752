import pytest
from django.core.exceptions import ValidationError

from omstilling.models import AccessLog
from omstilling.privacy import case_key, contains_cpr, validate_no_cpr
from omstilling.services import access_log_record


def test_it_maps_a_case_number_to_the_same_key_every_time():
    assert case_key("SAG-2026-0042") == case_key("  sag-2026-0042 ")
    assert case_key("SAG-2026-0042") != case_key("SAG-2026-0043")
    assert len(case_key("SAG-2026-0042")) == 64


def test_the_key_depends_on_the_secret(settings):
    before = case_key("SAG-2026-0042")
    settings.CASE_KEY_SECRET = "another-secret"

    assert case_key("SAG-2026-0042") != before
    assert "0042" not in case_key("SAG-2026-0042")


def test_it_refuses_an_empty_case_number():
    with pytest.raises(ValidationError, match="sagsnummeret"):
        case_key("   ")


@pytest.mark.parametrize("text", ["010203-1234", "CPR 0102031234 står her", "x 311299-9999."])
def test_it_refuses_text_with_a_cpr_like_number(text):
    assert contains_cpr(text)
    with pytest.raises(ValidationError, match="CPR-nummer"):
        validate_no_cpr(text)


@pytest.mark.parametrize(
    "text", ["Møde 12.03.2026", "Sag 2026-0042", "tlf. 75 82 12 34", "12345678901"]
)
def test_it_accepts_text_without_a_cpr_like_number(text):
    validate_no_cpr(text)


@pytest.mark.django_db
def test_the_access_log_is_append_only(chef):
    access_log_record(
        user=chef,
        action=AccessLog.Action.READ,
        model="visitation.Referral",
        object_id="7",
        path="/visitation/7/",
    )
    entry = AccessLog.objects.get()

    assert (entry.username, entry.action, entry.model, entry.object_id) == (
        "chef",
        "read",
        "visitation.Referral",
        "7",
    )
    entry.path = "changed"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    assert AccessLog.objects.get().path == "/visitation/7/"
