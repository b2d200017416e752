"""The support-system pages: no-store and no htmx history for forløb, full pages and htmx
partials, errors on their fields, and a bounded number of queries."""

import datetime as dt

import pytest
from django.urls import reverse

from supportsystem.models import ConcernType, Forloeb, SupportActor
from tests.factories import AreaFactory, SupportActorFactory

TODAY = dt.date.today().isoformat()


@pytest.fixture
def forloeb(make_forloeb):
    return make_forloeb(label="3.b", stage="afdaekning-og-indsats-i-praksis")


@pytest.mark.parametrize("page", ["forloeb_list", "forloeb_create", "forloeb_detail"])
def test_forloeb_pages_are_never_stored_nor_kept_in_htmx_history(client, support, forloeb, page):
    client.force_login(support)
    args = [forloeb.pk] if page == "forloeb_detail" else []

    response = client.get(reverse(f"supportsystem:{page}", args=args))

    assert response["Cache-Control"] == "no-store"
    assert 'hx-history="false"' in response.content.decode()


def test_the_directory_is_ordinary_content(client, bfu):
    client.force_login(bfu)

    response = client.get(reverse("supportsystem:directory"))

    assert "no-store" not in response.get("Cache-Control", "")
    assert 'hx-history="false"' not in response.content.decode()


def test_the_menu_shows_forloeb_only_to_roles_that_have_them(client, support, bfu):
    forloeb_url = reverse("supportsystem:forloeb_list")
    directory_url = reverse("supportsystem:directory")

    client.force_login(support)
    page = client.get(directory_url).content.decode()
    assert f'href="{forloeb_url}"' in page
    client.force_login(bfu)
    page = client.get(directory_url).content.decode()
    assert f'href="{forloeb_url}"' not in page
    assert f'href="{directory_url}"' in page


def test_the_detail_shows_the_circle_where_it_stands_and_the_history(client, leader, forloeb):
    client.force_login(leader)

    response = client.get(reverse("supportsystem:forloeb_detail", args=[forloeb.pk]))

    page = response.content.decode()
    states = [(item["stage"].slug, item["state"]) for item in response.context["circle"]]
    assert states == [
        ("bekymring", "visited"),
        ("afdaekning-og-indsats-i-praksis", "current"),
        ("samarbejde-med-eksternt-stoettesystem", "ahead"),
        ("opfoelgning", "ahead"),
        ("foer-henvisning", "ahead"),
        ("henvisning-til-ppr", "ahead"),
        ("visitation", "ahead"),
    ]
    assert 'aria-current="step"' in page
    assert "Historik" in page
    assert [s.kind for s in response.context["history"]] == ["move", "open"]
    # The next-step form offers later stages and the two ways to close, never earlier ones.
    choices = [label for _value, label in response.context["step_form"].fields["to_stage"].choices]
    assert choices[0] == "Samarbejde med eksternt støttesystem"
    assert choices[-2:] == ["Afslut forløbet: Afsluttet i almentilbud", "Afslut forløbet: Henvist"]
    assert "Bekymring" not in choices


def test_a_step_by_htmx_returns_the_refreshed_panel(client, support, forloeb, circle):
    client.force_login(support)

    response = client.post(
        reverse("supportsystem:forloeb_step", args=[forloeb.pk]),
        {"to_stage": circle.samarbejde_med_eksternt_stoettesystem.pk, "on": TODAY},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="forloeb-panel",
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert page.lstrip().startswith('<div id="forloeb-panel"')
    assert "<html" not in page
    assert "Forløbet er flyttet til “Samarbejde med eksternt støttesystem”." in page


def test_a_step_with_errors_shows_them_on_their_fields(client, support, forloeb, circle):
    client.force_login(support)

    response = client.post(
        reverse("supportsystem:forloeb_step", args=[forloeb.pk]),
        {"to_stage": circle.opfoelgning.pk, "on": TODAY, "note": "cpr 010203-1234"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Skridtet er ikke gemt" in page
    assert 'id="id_note-error"' in page
    assert 'aria-describedby="id_note-hint id_note-error id_note-limit"' in page
    assert "CPR-nummer" in page
    # The rest of the note is kept for the user to correct; the number itself is not sent back.
    assert "cpr ••••••-••••" in page
    assert "010203-1234" not in page
    forloeb.refresh_from_db()
    assert forloeb.current_stage.slug == "afdaekning-og-indsats-i-praksis"


def test_a_backwards_step_is_refused_on_the_stage_field(client, support, forloeb, circle):
    client.force_login(support)

    response = client.post(
        reverse("supportsystem:forloeb_step", args=[forloeb.pk]),
        {"to_stage": circle.bekymring.pk, "on": TODAY},
    )

    assert "to_stage" in response.context["step_form"].errors
    assert forloeb.transitions.count() == 2


def test_closing_and_reopening_without_javascript(client, support, forloeb, circle):
    client.force_login(support)
    detail = reverse("supportsystem:forloeb_detail", args=[forloeb.pk])

    response = client.post(
        reverse("supportsystem:forloeb_step", args=[forloeb.pk]),
        {"to_stage": circle.afsluttet_i_almentilbud.pk, "on": TODAY},
        follow=True,
    )
    assert response.redirect_chain == [(detail, 302)]
    page = response.content.decode()
    assert "Forløbet er afsluttet: Afsluttet i almentilbud." in page
    assert "Genåbn forløbet" in page
    assert response.context["step_form"] is None

    response = client.post(
        reverse("supportsystem:forloeb_reopen", args=[forloeb.pk]),
        {"to_stage": circle.opfoelgning.pk, "on": TODAY, "reason": ""},
    )
    assert "reason" in response.context["reopen_form"].errors
    assert response.context["reopen_open"]

    response = client.post(
        reverse("supportsystem:forloeb_reopen", args=[forloeb.pk]),
        {"to_stage": circle.opfoelgning.pk, "on": TODAY, "reason": "Ny bekymring."},
    )
    assert response.status_code == 302
    forloeb.refresh_from_db()
    assert (forloeb.current_stage, forloeb.closed_on) == (circle.opfoelgning, None)


def test_opening_a_childs_forloeb_needs_little_more_than_the_case_number(
    client, support, school, circle
):
    client.force_login(support)
    page = client.get(reverse("supportsystem:forloeb_create")).content.decode()
    assert '<label class="form-label" for="id_case_number">' in page
    assert f'value="{school.pk}" selected' in page  # the only institution is chosen already

    response = client.post(
        reverse("supportsystem:forloeb_create"),
        {
            "institution": school.pk,
            "concern_type": ConcernType.BARN,
            "case_number": "SAG-2025-0001",
            "opened_on": TODAY,
        },
    )

    forloeb = Forloeb.objects.get()
    assert response["Location"] == reverse("supportsystem:forloeb_detail", args=[forloeb.pk])
    assert forloeb.concern_type == ConcernType.BARN


def test_the_create_form_ties_the_services_errors_to_fields(client, support, school, circle):
    client.force_login(support)

    response = client.post(
        reverse("supportsystem:forloeb_create"),
        {"institution": school.pk, "concern_type": ConcernType.BARN, "opened_on": TODAY},
    )

    page = response.content.decode()
    assert "Forløbet er ikke oprettet" in page
    assert 'id="id_case_number-error"' in page
    assert not Forloeb.objects.exists()


def test_the_list_filters_by_stage_institution_and_status(
    client, support, school, make_forloeb, circle
):
    other = support.institutions.create(name="Børnehave C (demo)", kind="dagtilbud", is_demo=True)
    at_school = make_forloeb(label="1.a", stage="opfoelgning")
    at_other = make_forloeb(institution=other, label="Stue 2")
    closed = make_forloeb(label="2.a")
    from supportsystem.services import forloeb_close

    forloeb_close(forloeb=closed, by=support, to_stage=circle.henvist, on=dt.date(2025, 9, 2))
    client.force_login(support)
    url = reverse("supportsystem:forloeb_list")

    def rows(**params):
        return list(client.get(url, params).context["rows"])

    assert set(rows()) == {at_school, at_other}
    assert rows(stage=circle.opfoelgning.pk) == [at_school]
    assert rows(institution=other.pk) == [at_other]
    assert rows(status="afsluttede") == [closed]
    assert set(rows(status="alle")) == {at_school, at_other, closed}
    overview = {i["stage"].slug: i["count"] for i in client.get(url).context["overview"]}
    assert overview["opfoelgning"] == 1
    assert overview["bekymring"] == 1
    assert "henvist" not in overview
    response = client.get(
        url, {"stage": circle.opfoelgning.pk}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    assert response.content.decode().lstrip().startswith('<div id="results"')


def test_a_case_number_finds_the_childs_forloeb_without_appearing_in_the_url(
    client, support, make_forloeb
):
    child = make_forloeb(concern_type=ConcernType.BARN, case_number="SAG-2025-0077")
    make_forloeb(concern_type=ConcernType.BARN, case_number="SAG-2025-0078")
    client.force_login(support)

    response = client.post(
        reverse("supportsystem:forloeb_find"), {"case_number": "sag-2025-0077"}, follow=True
    )

    ((location, _status),) = response.redirect_chain
    assert "0077" not in location
    assert list(response.context["rows"]) == [child]
    assert "Viser forløb for det søgte sagsnummer" in response.content.decode()


# The forløb list:
#   1. session  2. user  3. the user's institutions (filters, create button)  4. stages
#   5. the forløb with institution and stage  6. access-log insert  7. open forløb per stage
#   8. plan for the page header  9. the unread notifications in the header
LIST_QUERIES = 9


def test_the_list_reads_in_a_bounded_number_of_queries(
    client, support, make_forloeb, django_assert_max_num_queries
):
    make_forloeb(label="1.a")
    client.force_login(support)
    url = reverse("supportsystem:forloeb_list")

    with django_assert_max_num_queries(LIST_QUERIES):
        small = client.get(url)
    for n in range(20):
        make_forloeb(
            label=f"{n}.x",
            concern_type=ConcernType.BARN if n % 2 else ConcernType.FAELLESSKAB,
            case_number=f"SAG-{n}" if n % 2 else "",
            stage="opfoelgning" if n % 3 else None,
        )
    with django_assert_max_num_queries(LIST_QUERIES):
        large = client.get(url)
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(url, {"stage": large.context["overview"][3]["stage"].pk, "status": "alle"})

    assert len(small.context["rows"]) == 1
    assert len(large.context["rows"]) == 21


def test_the_directory_filters_and_searches(client, bfu):
    area = AreaFactory(slug="ppr", name="PPR")
    ppr = SupportActorFactory(name="PPR", area=area, competences="Pædagogisk psykologisk vurdering")
    ucl = SupportActorFactory(name="UC Lillebælt", kind=SupportActor.Kind.PARTNER, competences="")
    client.force_login(bfu)
    url = reverse("supportsystem:directory")

    def found(**params):
        groups = client.get(url, params).context["groups"]
        return [actor for group in groups for actor in group.actors]

    assert found() == [ppr, ucl]
    assert found(kind="partner") == [ucl]
    assert found(area=area.pk) == [ppr]
    assert found(q="psykologisk") == [ppr]
    assert found(q="ingen sådan") == []
    page = client.get(url, {"q": "psykologisk"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    assert page.content.decode().lstrip().startswith('<div id="results"')


def test_a_case_lookup_with_an_error_shows_it_on_the_field_and_keeps_nothing(client, support):
    client.force_login(support)

    response = client.post(reverse("supportsystem:forloeb_find"), {"case_number": "010203-1234"})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_case_number-error"' in page
    assert "CPR-nummer" in page
    assert "010203-1234" not in page
