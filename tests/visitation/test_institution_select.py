"""The institution select of the case forms: Django's HTML, rendered without a template per
option (it has an option per school and dagtilbud of the municipality)."""

import re

import pytest
from django import forms

from omstilling.models import Institution
from tests.factories import InstitutionFactory
from visitation.forms import PreReferralForm, ReferralForm

pytestmark = pytest.mark.django_db


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("form_class", [PreReferralForm, ReferralForm])
@pytest.mark.parametrize("chosen", [None, 1])
def test_it_renders_what_djangos_select_renders(form_class, chosen):
    InstitutionFactory(name="Børnehave <Æblet> & co", kind=Institution.Kind.DAGTILBUD)
    schools = [InstitutionFactory(name=f"Skole {n} (demo)") for n in range(3)]
    data = {"institution": str(schools[chosen].pk)} if chosen is not None else None
    form = form_class(data)
    attrs = {"class": "form-select", "aria-invalid": "true", "required": True}

    ours = form["institution"].as_widget(attrs=attrs)
    reference = forms.Select(choices=form.fields["institution"].widget.choices)
    djangos = form["institution"].as_widget(widget=reference, attrs=attrs)

    assert _squeezed(ours) == _squeezed(djangos)
    assert "&lt;Æblet&gt; &amp; co" in ours
    assert ours.count(" selected") == 1
    value = schools[chosen].pk if chosen is not None else ""
    assert f'value="{value}" selected' in ours
