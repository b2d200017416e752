"""The raw forløb KPIs against numbers worked out by hand."""

import datetime as dt

import pytest

from supportsystem.models import ConcernType
from supportsystem.selectors import (
    days_to_external_support,
    open_forloeb_by_type_and_stage,
)
from supportsystem.services import forloeb_close, forloeb_move, forloeb_reopen
from tests.factories import ForloebFactory, StageFactory

D = dt.date


@pytest.fixture
def data_set(make_forloeb, circle, support, other_school):
    """Six forløb; the days from bekymring to the first external step are worked out below."""
    external = circle.samarbejde_med_eksternt_stoettesystem
    # A: fællesskab, opened 1 Mar, external 11 Mar (10 days), now at opfølgning.
    a = make_forloeb(
        label="A",
        opened_on=D(2025, 3, 1),
        stage="afdaekning-og-indsats-i-praksis",
        moved_on=D(2025, 3, 5),
    )
    forloeb_move(forloeb=a, by=support, to_stage=external, on=D(2025, 3, 11))
    forloeb_move(forloeb=a, by=support, to_stage=circle.opfoelgning, on=D(2025, 4, 1))
    # B: child, opened 1 Mar, straight to external 31 Mar (30 days), then before-referral.
    b = make_forloeb(concern_type=ConcernType.BARN, case_number="K-B", opened_on=D(2025, 3, 1))
    forloeb_move(forloeb=b, by=support, to_stage=external, on=D(2025, 3, 31))
    forloeb_move(forloeb=b, by=support, to_stage=circle.foer_henvisning, on=D(2025, 5, 1))
    # C: child, opened 1 Jun, external 21 Jun (20 days), closed; reopened and external again
    #    later — only the first external step counts. Open again now, at external.
    c = make_forloeb(concern_type=ConcernType.BARN, case_number="K-C", opened_on=D(2025, 6, 1))
    forloeb_move(forloeb=c, by=support, to_stage=external, on=D(2025, 6, 21))
    forloeb_close(forloeb=c, by=support, to_stage=circle.afsluttet_i_almentilbud, on=D(2025, 7, 1))
    forloeb_reopen(
        forloeb=c, by=support, to_stage=circle.bekymring, on=D(2025, 8, 1), reason="Igen"
    )
    forloeb_move(forloeb=c, by=support, to_stage=external, on=D(2025, 9, 1))
    # D: læringsmiljø, opened 1 Sep, external 6 Sep (5 days), closed: not open any more.
    d = make_forloeb(concern_type=ConcernType.LAERINGSMILJOE, label="D", opened_on=D(2025, 9, 1))
    forloeb_move(forloeb=d, by=support, to_stage=external, on=D(2025, 9, 6))
    forloeb_close(forloeb=d, by=support, to_stage=circle.henvist, on=D(2025, 10, 1))
    # E and F: never with the external support system; E at bekymring, F at another school.
    make_forloeb(label="E", opened_on=D(2025, 9, 1))
    make_forloeb(
        label="F",
        opened_on=D(2025, 9, 1),
        institution=other_school,
        stage="afdaekning-og-indsats-i-praksis",
    )
    return {"a": a, "b": b, "c": c, "d": d}


def test_open_forloeb_are_counted_by_concern_type_and_stage(data_set):
    rows = open_forloeb_by_type_and_stage()

    counts = {(r["concern_type"], r["stage"]): r["count"] for r in rows if r["count"]}
    assert counts == {
        ("faellesskab", "opfoelgning"): 1,  # A
        ("faellesskab", "bekymring"): 1,  # E
        ("faellesskab", "afdaekning-og-indsats-i-praksis"): 1,  # F
        ("barn", "foer-henvisning"): 1,  # B
        ("barn", "samarbejde-med-eksternt-stoettesystem"): 1,  # C
    }
    # Every type × open stage is there (zeros included), closing stages are not.
    assert len(rows) == 3 * 7
    assert rows[0] == {"concern_type": "faellesskab", "stage": "bekymring", "count": 1}
    assert not {r["stage"] for r in rows} & {"afsluttet-i-almentilbud", "henvist"}


def test_the_days_to_external_support(data_set):
    # A 10, B 30, C 20 (its first external step only), D 5
    assert sorted(days_to_external_support()) == [5, 10, 20, 30]
    # First external step on or after 15 Mar: B 30 (31 Mar), C 20 (21 Jun), D 5 (6 Sep)
    assert sorted(days_to_external_support(since=D(2025, 3, 15))) == [5, 20, 30]
    assert days_to_external_support(since=D(2025, 9, 2)) == [5]
    assert days_to_external_support(since=D(2025, 12, 1)) == []


def test_the_kpis_are_empty_without_forloeb(circle):
    assert days_to_external_support() == []
    assert all(row["count"] == 0 for row in open_forloeb_by_type_and_stage())


def test_the_kpis_aggregate_in_a_fixed_number_of_queries(
    data_set, make_forloeb, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        open_forloeb_by_type_and_stage()
    with django_assert_max_num_queries(1):
        days_to_external_support()
    for n in range(10):
        make_forloeb(label=f"x{n}", stage="samarbejde-med-eksternt-stoettesystem")
    with django_assert_max_num_queries(2):
        open_forloeb_by_type_and_stage()
    with django_assert_max_num_queries(1):
        assert sorted(days_to_external_support()) == [5, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 10, 20, 30]


def test_a_forloeb_left_at_a_stage_no_longer_in_use_still_counts(circle, school):
    retired = StageFactory(slug="gammelt-trin", name="Gammelt trin", order=3, active=False)
    ForloebFactory(institution=school, current_stage=retired)
    ForloebFactory(institution=school, current_stage=circle.bekymring)

    rows = open_forloeb_by_type_and_stage()

    counts = {(r["concern_type"], r["stage"]): r["count"] for r in rows if r["count"]}
    assert counts == {("faellesskab", "bekymring"): 1, ("faellesskab", "gammelt-trin"): 1}
