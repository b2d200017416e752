"""Forløbscirklen as the Vejle plan file defines it, and forløb built through the services."""

import datetime as dt

import pytest

from supportsystem.models import ConcernType, Stage
from supportsystem.services import forloeb_move, forloeb_open

# slug, name, external, closing — the same as the `forloebscirkel` section of vejle-2025.yaml
CIRCLE = [
    ("bekymring", "Bekymring", False, False),
    ("afdaekning-og-indsats-i-praksis", "Afdækning og indsats i praksis", False, False),
    ("samarbejde-med-eksternt-stoettesystem", "Samarbejde med eksternt støttesystem", True, False),
    ("opfoelgning", "Opfølgning", False, False),
    ("foer-henvisning", "Før-henvisning", False, False),
    ("henvisning-til-ppr", "Henvisning til PPR (PPV)", False, False),
    ("visitation", "Visitation", False, False),
    ("afsluttet-i-almentilbud", "Afsluttet i almentilbud", False, True),
    ("henvist", "Henvist", False, True),
]


class Circle(dict):
    """The stages by slug, with attribute access for the tests: circle.bekymring, …"""

    def __getattr__(self, slug: str) -> Stage:
        return self[slug.replace("_", "-")]


@pytest.fixture
def circle(db) -> Circle:
    return Circle(
        {
            slug: Stage.objects.create(
                slug=slug, name=name, order=order, external=external, closing=closing
            )
            for order, (slug, name, external, closing) in enumerate(CIRCLE)
        }
    )


@pytest.fixture
def make_forloeb(circle, support, school):
    """Open a forløb through the service and move it on to `stage` (a slug), if given."""

    def make(
        *,
        institution=None,
        by=None,
        concern_type=ConcernType.FAELLESSKAB,
        case_number="",
        label="",
        opened_on=dt.date(2025, 9, 1),
        stage=None,
        moved_on=None,
    ):
        by = by or support
        forloeb = forloeb_open(
            institution=institution or school,
            by=by,
            concern_type=concern_type,
            opened_on=opened_on,
            case_number=case_number,
            label=label if concern_type != ConcernType.BARN else "",
        )
        if stage is not None:
            forloeb_move(
                forloeb=forloeb,
                by=by,
                to_stage=circle[stage],
                on=moved_on or opened_on + dt.timedelta(days=7),
            )
        return forloeb

    return make
