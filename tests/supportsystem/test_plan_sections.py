"""The plan file's `support_system` and `forloebscirkel` sections."""

from pathlib import Path

import pytest
from django.conf import settings

from omstilling.plan_file import PlanFileError, load_plan_file
from supportsystem.models import Stage, SupportActor, SupportSystemPart

MINI = Path(__file__).parent.parent / "data" / "mini-plan.yaml"
pytestmark = pytest.mark.django_db

SECTIONS = """
support_system:
  parts:
    - kind: eksternt
      description: "Vores fælles kerneopgave er at understøtte dagtilbud og skoler."
      we_can_see_when:
        - "Vi er i praksis med børnene og det pædagogiske personale."
  actors:
    - slug: ppr
      name: "PPR"
      kind: eksternt
      area: ul
      competences:
        - "Pædagogisk psykologisk vurdering (PPV)"
        - "Før-henvisning"
    - slug: uc-lillebaelt
      name: "UC Lillebælt"
      kind: partner
forloebscirkel:
  - slug: bekymring
    name: "Bekymring"
  - slug: samarbejde
    name: "Samarbejde med eksternt støttesystem"
    external: true
  - slug: afsluttet
    name: "Afsluttet i almentilbud"
    closing: true
"""


def _write(tmp_path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _plan(tmp_path, sections: str = SECTIONS) -> Path:
    return _write(tmp_path, MINI.read_text(encoding="utf-8") + sections)


def _rows() -> dict:
    return {
        "actors": list(SupportActor.objects.values_list("slug", "name", "competences")),
        "parts": list(SupportSystemPart.objects.values_list("kind", "description", "statements")),
        "stages": list(Stage.objects.values_list("slug", "order", "external", "closing", "active")),
    }


def test_it_loads_the_vejle_support_system_and_forloebscirkel():
    load_plan_file(settings.PLAN_FILE)

    stages = list(Stage.objects.order_by("order"))
    assert [s.slug for s in stages] == [
        "bekymring",
        "afdaekning-og-indsats-i-praksis",
        "samarbejde-med-eksternt-stoettesystem",
        "opfoelgning",
        "foer-henvisning",
        "henvisning-til-ppr",
        "visitation",
        "afsluttet-i-almentilbud",
        "henvist",
    ]
    assert [s.slug for s in stages if s.external] == ["samarbejde-med-eksternt-stoettesystem"]
    assert [s.name for s in stages if s.closing] == ["Afsluttet i almentilbud", "Henvist"]
    external = set(SupportActor.objects.filter(kind="eksternt").values_list("name", flat=True))
    assert {"Læringskonsulenter", "Pædagogiske vejledere", "Pædagogiske rådgivere i Dagtilbud"} <= (
        external
    )
    assert any("PPR" in name for name in external)
    assert any("Åben Rådgivning" in name for name in external)
    assert SupportActor.objects.filter(kind="partner").exists()
    assert all(actor.competence_list for actor in SupportActor.objects.all())
    # The external support system's eight "det kan vi se, når" statements.
    assert len(SupportSystemPart.objects.get(kind="eksternt").statements) == 8


def test_loading_twice_changes_nothing(tmp_path):
    path = _plan(tmp_path)
    load_plan_file(path)
    before = _rows()

    _plan_row, stats = load_plan_file(path)

    assert not stats.changed
    assert _rows() == before
    assert SupportActor.history.count() == 2


def test_an_edited_file_updates_rows_in_place_by_slug(tmp_path):
    load_plan_file(_plan(tmp_path))
    actor_pk = SupportActor.objects.get(slug="ppr").pk

    edited = SECTIONS.replace('name: "PPR"', 'name: "Det nye PPR"').replace(
        '  - slug: samarbejde\n    name: "Samarbejde med eksternt støttesystem"\n'
        "    external: true\n",
        "",
    )
    _plan_row, stats = load_plan_file(_plan(tmp_path, edited))

    assert SupportActor.objects.get(pk=actor_pk).name == "Det nye PPR"
    # A stage dropped from the file is kept for the history, but no longer in use.
    dropped = Stage.objects.get(slug="samarbejde")
    assert not dropped.active
    assert any("samarbejde" in line for line in stats.not_in_file)
    assert list(Stage.objects.filter(active=True).values_list("slug", "order")) == [
        ("bekymring", 0),
        ("afsluttet", 1),
    ]


@pytest.mark.parametrize(
    ("needle", "replacement", "expected"),
    [
        ("kind: partner", "kind: samarbejde", "support_system.actors[1].kind: har en ukendt værdi"),
        (
            '    - slug: uc-lillebaelt\n      name: "UC Lillebælt"\n',
            "    - slug: uc-lillebaelt\n",
            "support_system.actors[1].name: feltet mangler",
        ),
        ("area: ul", "area: ppr", "support_system.actors[0].area: 'ppr' er ikke et område"),
        ("slug: uc-lillebaelt", "slug: ppr", "support_system.actors[1].slug: 'ppr' er brugt"),
        (
            "external: true",
            "external: ja",
            "forloebscirkel[1].external: skal være true eller false",
        ),
        ("    closing: true\n", "", "forloebscirkel: skal have mindst ét afsluttende trin"),
        (
            "    closing: true\n",
            "    closing: true\n    external: true\n",
            "forloebscirkel[2].external: et afsluttende trin",
        ),
        ("slug: samarbejde", "slug: Samarbejde", "forloebscirkel[1].slug: skal være en nøgle"),
        ("  - slug: ppr", "  - slugs: ppr", "support_system.actors[0].slugs: ukendt felt"),
        ("competences:\n", "kompetencer:\n", "ukendt felt"),
    ],
)
def test_it_rejects_a_malformed_section_naming_the_field_and_writes_nothing(
    tmp_path, needle, replacement, expected
):
    assert needle in SECTIONS
    path = _plan(tmp_path, SECTIONS.replace(needle, replacement, 1))

    with pytest.raises(PlanFileError) as excinfo:
        load_plan_file(path)

    message = str(excinfo.value)
    assert expected in message
    assert "linje " in message
    assert _rows() == {"actors": [], "parts": [], "stages": []}


def test_the_closing_stages_come_last(tmp_path):
    shuffled = SECTIONS.replace(
        '  - slug: afsluttet\n    name: "Afsluttet i almentilbud"\n    closing: true\n', ""
    ).replace(
        "forloebscirkel:\n",
        'forloebscirkel:\n  - slug: afsluttet\n    name: "Afsluttet"\n    closing: true\n',
    )

    with pytest.raises(PlanFileError, match=r"forloebscirkel\[1\]\.closing: de afsluttende"):
        load_plan_file(_plan(tmp_path, shuffled))
