"""How the portal writes a figure: one home (omstilling/numbers.py) and its template filters."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from omstilling.numbers import count_text, kr_text, number_text, percent_text

NBSP = "\u00a0"


def test_percentages_are_rounded_half_up_with_a_no_break_space():
    assert [percent_text(v) for v in (47.14, 42.5, 0, None)] == [
        f"47{NBSP}%",
        f"43{NBSP}%",
        f"0{NBSP}%",
        "ingen data",
    ]
    assert percent_text(Decimal("12.45"), decimals=1) == f"12,5{NBSP}%"


def test_counts_numbers_and_amounts_are_grouped_the_danish_way():
    assert count_text(1234567) == "1.234.567"
    assert number_text(20.5) == "20,5"
    assert number_text(1234) == "1.234"
    assert kr_text(50_000_000) == "50.000.000 kr."
    assert kr_text(Decimal("1250000.50")) == "1.250.000,50 kr."


@pytest.mark.parametrize(
    ("template", "value", "expected"),
    [
        ("{{ v|percent }}", 47.14, f"47{NBSP}%"),
        ("{{ v|percent:1 }}", 47.14, f"47,1{NBSP}%"),
        ("{{ v|percent }}", None, "–"),
        ("{{ v|count }}", 1234, "1.234"),
        ("{{ v|kr }}", Decimal("5000000"), "5.000.000 kr."),
    ],
)
def test_the_template_filters_write_the_same(template, value, expected):
    rendered = Template("{% load portal %}" + template).render(Context({"v": value}))

    assert rendered == expected
