"""The public progress page (/offentlig/): anonymous, only for a public plan, nothing private."""

import datetime as dt
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from omstilling.models import AccessLog
from public import selectors
from public.services import report_set_public
from reports.models import Report, ReportKind, ReportState
from tests.factories import InitiativeFactory, MilestoneFactory, UserFactory
from tracks.models import Initiative
from tracks.services import initiative_update_status

pytestmark = pytest.mark.django_db

NARRATIVE = "Intern note: forsinket pga. sygdom hos projektlederen"


def _plan_url(plan):
    return reverse("public:plan", kwargs={"slug": plan.slug})


def _update(initiative, by, **kwargs):
    values = {"state": "i_gang", "health": "gul", "progress": 40, "narrative": NARRATIVE}
    values.update(kwargs)
    initiative_update_status(
        initiative=initiative, by=by, expected_version=initiative.version, **values
    )


def test_it_shows_a_public_plan_without_a_log_in(client, public_plan, chef):
    initiative = Initiative.objects.get(plan=public_plan)
    _update(initiative, chef, next_steps="Ring til lederen")

    response = client.get(_plan_url(public_plan))

    assert response.status_code == 200
    page = response.content.decode().replace("\xa0", " ")
    assert public_plan.title in page
    assert "Spor 1: Det gode dagtilbud" in page
    assert "Fælles kompetenceforløb" in page
    assert "I gang" in page and "Gul – i risiko" in page and "40 %" in page
    assert "Styrk fællesskabet i dagtilbud" in page
    assert "Data pr." in page
    # the working group's own notes never
    assert NARRATIVE not in page
    assert "Ring til lederen" not in page


def test_the_index_leads_to_the_one_public_plan(client, public_plan):
    response = client.get(reverse("public:index"))

    assert response.status_code == 302
    assert response["Location"] == _plan_url(public_plan)


def test_the_index_says_so_when_no_plan_is_public(client, plan):
    response = client.get(reverse("public:index"))

    assert response.status_code == 200
    assert "Ingen plan er offentliggjort endnu" in response.content.decode()


def test_a_plan_that_is_not_public_is_not_found_and_nothing_is_logged(client, public_plan):
    public_plan.is_public = False
    public_plan.save()
    initiative = Initiative.objects.get(plan=public_plan)

    urls = [
        _plan_url(public_plan),
        reverse("public:initiative", kwargs={"slug": public_plan.slug, "pk": initiative.pk}),
    ]

    assert [client.get(url).status_code for url in urls] == [404, 404]
    assert not AccessLog.objects.exists()


def test_a_tiltag_of_another_plan_is_not_found(client, public_plan):
    other = InitiativeFactory()

    url = reverse("public:initiative", kwargs={"slug": public_plan.slug, "pk": other.pk})

    assert client.get(url).status_code == 404


def test_the_tiltag_page_shows_its_milestones_and_recommendations(client, public_plan, chef):
    initiative = Initiative.objects.get(plan=public_plan)
    MilestoneFactory(initiative=initiative, title="Lokal proces afholdt", completion_note="x")

    url = reverse("public:initiative", kwargs={"slug": public_plan.slug, "pk": initiative.pk})
    response = client.get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Forløbet er i gang" in page and "Lokal proces afholdt" in page
    assert "Forsinket" in page  # planned for 3rd quarter 2025, not reached
    assert "Styrk fællesskabet i dagtilbud" in page


def test_a_name_is_shown_only_for_a_public_officeholder(client, public_plan):
    person = UserFactory(first_name="Hanne", last_name="Holm", role="initiativejer")
    Initiative.objects.filter(plan=public_plan).update(owner=person)
    url = reverse(
        "public:initiative",
        kwargs={"slug": public_plan.slug, "pk": Initiative.objects.get(plan=public_plan).pk},
    )

    assert "Hanne Holm" not in client.get(url).content.decode()

    person.is_public_officeholder = True
    person.save()

    assert "Hanne Holm" in client.get(url).content.decode()


def test_a_changed_status_is_shown_at_once_despite_the_cache(client, public_plan, chef):
    initiative = Initiative.objects.get(plan=public_plan)
    first = client.get(_plan_url(public_plan))
    _update(initiative, chef, state="afsluttet", health="groen", progress=100, narrative="")

    second = client.get(_plan_url(public_plan))

    assert "Afsluttet" not in first.content.decode()
    assert "Afsluttet" in second.content.decode()
    assert first["ETag"] != second["ETag"]


def test_a_conditional_get_answers_304(client, public_plan):
    first = client.get(_plan_url(public_plan))

    again = client.get(_plan_url(public_plan), HTTP_IF_NONE_MATCH=first["ETag"])
    since = client.get(_plan_url(public_plan), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert first.status_code == 200 and "public" in first["Cache-Control"]
    assert again.status_code == 304
    assert since.status_code == 304


def test_the_page_reads_in_few_queries_however_big_the_plan(
    client, public_plan, django_assert_max_num_queries
):
    client.get(_plan_url(public_plan))  # the cache is warm: the stamp and the plan
    with django_assert_max_num_queries(3):
        client.get(_plan_url(public_plan))

    spor = public_plan.spor.get()
    for _ in range(30):
        MilestoneFactory(initiative=InitiativeFactory(plan=public_plan, spor=spor))
    selectors.bump_data_version()
    # cold: the stamp, the plan, tiltag, statuses, milestones, recommendations, spor, pool,
    # outcome figures, the report
    with django_assert_max_num_queries(20):
        response = client.get(_plan_url(public_plan))
    assert response.status_code == 200


# --- the published report -----------------------------------------------------------------------


@pytest.fixture
def finished_report(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    content = b"%PDF-1.7 test"
    report = Report(
        kind=ReportKind.KVARTALSRAPPORT,
        period="2026-K3",
        period_label="3. kvartal 2026",
        period_start=dt.date(2026, 7, 1),
        state=ReportState.FAERDIG,
        snapshot={},
        sha256=hashlib.sha256(content).hexdigest(),
    )
    report.pdf.save("kvartalsrapport-2026-K3.pdf", ContentFile(content), save=False)
    report.save()
    return report


def test_the_report_is_linked_and_served_only_once_published(
    client, public_plan, finished_report, chef
):
    pdf_url = reverse(
        "public:report_pdf", kwargs={"slug": public_plan.slug, "pk": finished_report.pk}
    )

    assert pdf_url not in client.get(_plan_url(public_plan)).content.decode()
    assert client.get(pdf_url).status_code == 404

    report_set_public(report=finished_report, public=True, by=chef)

    assert pdf_url in client.get(_plan_url(public_plan)).content.decode()
    response = client.get(pdf_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"

    report_set_public(report=finished_report, public=False, by=chef)

    assert client.get(pdf_url).status_code == 404
    assert finished_report.publications.count() == 2  # both kept


def test_a_published_report_is_not_served_when_the_plan_is_not_public(
    client, public_plan, finished_report, chef
):
    report_set_public(report=finished_report, public=True, by=chef)
    public_plan.is_public = False
    public_plan.save()

    url = reverse("public:report_pdf", kwargs={"slug": public_plan.slug, "pk": finished_report.pk})

    assert client.get(url).status_code == 404


def test_a_moved_milestone_shows_its_first_quarter_and_archived_rows_are_left_out(
    client, public_plan
):
    initiative = Initiative.objects.get(plan=public_plan)
    MilestoneFactory(
        initiative=initiative,
        title="Flyttet milepæl",
        original_quarter=dt.date(2025, 7, 1),
        planned_quarter=dt.date(2027, 1, 1),
    )
    MilestoneFactory(initiative=initiative, title="Arkiveret milepæl", archived_on=dt.date.today())
    InitiativeFactory(
        plan=public_plan,
        spor=initiative.spor,
        title="Arkiveret tiltag",
        archived_on=dt.date.today(),
    )

    url = reverse("public:initiative", kwargs={"slug": public_plan.slug, "pk": initiative.pk})
    page = client.get(url).content.decode()
    overview = client.get(_plan_url(public_plan)).content.decode()
    api = client.get(f"/api/v1/plans/{public_plan.slug}/initiatives/{initiative.pk}").json()

    assert "Flyttet milepæl" in page and "først planlagt 3. kvartal 2025" in page
    assert "Flyttet" in page
    assert "Arkiveret milepæl" not in page
    assert "Arkiveret tiltag" not in overview
    moved = next(m for m in api["milestones"] if m["title"] == "Flyttet milepæl")
    assert moved["state"] == "flyttet" and moved["original_quarter"] == "2025-K3"
