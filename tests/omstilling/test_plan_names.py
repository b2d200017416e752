"""Nothing municipality-specific in the product: the names of the municipality's bodies come
from the plan file (with defaults), and the demo data seeds for any valid plan file."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from investments.models import DevelopmentSchool, Investment
from omstilling.demo import seed_demo
from omstilling.models import Plan, User
from omstilling.plan_file import PlanFileError, load_plan_file
from tracks.models import StatusUpdate

PLANS = Path(settings.BASE_DIR) / "omstilling" / "plans"
EKSEMPEL = PLANS / "eksempel.yaml"
MINI = Path(__file__).parent.parent / "data" / "mini-plan.yaml"
TODAY = dt.date(2026, 12, 5)
pytestmark = pytest.mark.django_db

# What Vejle calls its bodies: never in another municipality's plan.
VEJLE_WORDS = ["Vejle", "BFU", "ØKU", "§17.4", "Børn & Unge", "Børne- og Familieudvalget"]


def test_the_vejle_plan_names_its_bodies():
    plan, _stats = load_plan_file(settings.PLAN_FILE)

    names = plan.names
    assert names.committee == "Børne- og Familieudvalget"
    assert names.committee_short == "BFU"
    assert names.approving_body == "Økonomiudvalget og gruppeformændene"
    assert names.approving_body_short == "ØKU og gruppeformænd"
    assert names.has_approving_body
    assert names.advisory_committee == "§17.4-udvalget"
    assert names.department == "Børn & Unge"
    assert names.municipality == "Vejle Kommune"


def test_a_plan_without_them_gets_sensible_defaults():
    plan, _stats = load_plan_file(MINI)

    names = plan.names
    # The committee's short name is its name; it approves the investments itself.
    assert names.committee_short == "Børne- og Familieudvalget"
    assert names.approving_body == names.approving_body_short == names.committee_short
    assert not names.has_approving_body
    assert not names.has_advisory_committee


def test_the_example_plan_is_another_municipalitys():
    text = EKSEMPEL.read_text(encoding="utf-8")
    plan, _stats = load_plan_file(EKSEMPEL)

    assert not [word for word in VEJLE_WORDS if word in text]
    assert plan.municipality == "Eksempel Kommune"
    assert plan.names.committee_short == "SDU"
    assert plan.spor.count() == 3
    assert plan.funding_amount is None
    assert not plan.recommendation_themes.exists()
    assert not plan.names.has_advisory_committee


def test_the_pages_name_the_shown_plans_bodies(client, chef):
    load_plan_file(EKSEMPEL)
    client.force_login(chef)

    response = client.get(reverse("tracks:overview"))

    assert response.context["plan_names"].committee_short == "SDU"
    assert response.context["plan_names"].municipality == "Eksempel Kommune"


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("committee_short", "x" * 61, "plan.committee_short: højst 60 tegn"),
        ("advisory_committee", "x" * 201, "plan.advisory_committee: højst 200 tegn"),
    ],
)
def test_the_names_are_bounded(tmp_path, key, value, expected):
    broken = tmp_path / "plan.yaml"
    broken.write_text(
        MINI.read_text(encoding="utf-8").replace(
            '  committee: "Børne- og Familieudvalget"\n',
            f'  committee: "Børne- og Familieudvalget"\n  {key}: "{value}"\n',
        ),
        encoding="utf-8",
    )

    with pytest.raises(PlanFileError, match=expected):
        load_plan_file(broken)


# --- the logo -----------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _with_logo(tmp_path, name: str = "logo.png") -> Path:
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(
        MINI.read_text(encoding="utf-8").replace(
            '  committee: "Børne- og Familieudvalget"\n',
            f'  committee: "Børne- og Familieudvalget"\n  logo: "{name}"\n',
        ),
        encoding="utf-8",
    )
    return plan_file


def test_the_logo_is_copied_from_beside_the_plan_file(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "logo.png").write_bytes(PNG)

    plan, _stats = load_plan_file(_with_logo(tmp_path))
    _plan, again = load_plan_file(_with_logo(tmp_path))

    assert plan.logo.read() == PNG
    assert plan.names.logo == plan.logo.name
    assert not again.changed


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("logo.png", None, "filen 'logo.png' findes ikke"),
        ("logo.png", b"GIF89a", "PNG, JPEG eller SVG"),
        ("../logo.png", PNG, "samme mappe som planfilen"),
        ("logo.png", PNG * 10_000, "større end 512 kB"),
    ],
)
def test_a_bad_logo_is_refused_with_its_line(tmp_path, settings, name, content, expected):
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = tmp_path / "plan"
    folder.mkdir()
    if content is not None:
        (folder / name).resolve().write_bytes(content)

    with pytest.raises(PlanFileError, match=rf"linje 8, plan\.logo: .*{expected}"):
        load_plan_file(_with_logo(folder, name))
    assert not Plan.objects.exists()


# --- seed_demo for any plan -------------------------------------------------------------------


def test_seed_demo_works_for_a_plan_without_a_pool():
    load_plan_file(EKSEMPEL)

    assert seed_demo(today=TODAY)

    assert User.objects.filter(username="chefgruppe").exists()
    assert not DevelopmentSchool.objects.exists()
    assert StatusUpdate.objects.filter(initiative__plan__slug="eksempel-faelles-om-det-naere")


def test_seed_demo_seeds_as_many_udviklingsskoler_as_the_pool_funds(tmp_path):
    small = tmp_path / "plan.yaml"
    small.write_text(
        MINI.read_text(encoding="utf-8").replace(
            "    amount: 50000000\n", "    amount: 5000000\n    development_schools: 2\n"
        ),
        encoding="utf-8",
    )
    plan, _stats = load_plan_file(small)

    assert seed_demo(today=TODAY)

    assert DevelopmentSchool.objects.filter(plan=plan).count() == 2
    approved = sum(i.amount for i in Investment.objects.filter(plan=plan) if i.state != "kladde")
    assert approved <= plan.funding_amount


def test_seed_demo_seeds_the_current_plan_only(tmp_path):
    vejle, _stats = load_plan_file(MINI)
    other, _stats = load_plan_file(EKSEMPEL)

    assert seed_demo(today=TODAY)

    assert not StatusUpdate.objects.filter(initiative__plan=other).exists()
    assert StatusUpdate.objects.filter(initiative__plan=vejle).exists()
