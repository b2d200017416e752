"""The open data against its own OpenAPI schema, with schemathesis: every operation, input
generated from the schema, no 5xx, and every answer as the schema says (status, content type,
headers, body).

The schema is read from the API itself and each generated request is sent through Django's
test client, so it runs in the test's transaction with pytest-django (schemathesis's own WSGI
transport would close the test's database connection at the end of each request). The path
parameters are drawn half the time from the public plan the fixture makes, so the operations
answer with data and not only with 404. That is done for valid input only ("positive"); the
invalid input ("negative": a plan key or page outside its pattern or range, a wrong method) is
sent as generated and must be refused with a 4xx. Unknown query parameters are ignored, as
most APIs do, so they are not generated.
"""

import http.client

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.transport import Response

from public.api import api
from tests.factories import (
    DevelopmentSchoolFactory,
    InvestmentFactory,
    SpecialOfferCountFactory,
)
from tracks.models import Initiative


def _schema(mode: GenerationMode):
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
    schema.config.generation.update(modes=[mode], allow_extra_parameters=False)
    return schema


positive = _schema(GenerationMode.POSITIVE)
# The plan list takes no input at all: there is nothing invalid to send it.
negative = _schema(GenerationMode.NEGATIVE).exclude(path="/api/v1/plans")
REAL: dict = {}


@positive.hook
def flatmap_path_parameters(context, path_parameters):
    if not path_parameters:
        return st.just(path_parameters)
    real = {name: REAL[name] for name in path_parameters if name in REAL}
    return st.sampled_from([path_parameters, {**path_parameters, **real}])


def _call(client, case) -> Response:
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    prepared = requests.Request(
        method=kwargs["method"],
        url=kwargs["url"],
        headers=kwargs.get("headers") or {},
        params=kwargs.get("params"),
    ).prepare()
    path = prepared.path_url
    headers = {
        name: value
        for name, value in (kwargs.get("headers") or {}).items()
        if name.lower() not in {"content-type", "content-length"}
    }
    answer = client.generic(kwargs["method"], path, headers=headers)
    return Response(
        status_code=answer.status_code,
        headers={name: [value] for name, value in answer.headers.items()},
        content=answer.content,
        request=prepared,
        elapsed=0.0,
        verify=False,
        message=http.client.responses.get(answer.status_code, ""),
        encoding="utf-8",
    )


@pytest.fixture
def api_data(public_plan, django_settings):
    django_settings.PUBLIC_API_RATE = "100000/m"
    public_plan.funding_title = "Puljen"
    public_plan.funding_amount = 50_000_000
    public_plan.save()
    school = DevelopmentSchoolFactory(plan=public_plan)
    InvestmentFactory(development_school=school, state="godkendt")
    SpecialOfferCountFactory(children_in_special_offers=3)
    SpecialOfferCountFactory(children_in_special_offers=12, level="dagtilbud")
    REAL.update(
        slug=public_plan.slug,
        initiative_id=Initiative.objects.filter(plan=public_plan).first().pk,
    )
    yield
    REAL.clear()


@pytest.fixture
def django_settings(settings):
    return settings


EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@positive.parametrize()
@EXAMPLES
def test_the_api_answers_valid_requests_as_its_schema_says(case, client, api_data):
    response = _call(client, case)

    assert response.status_code < 500, response.content[:500]
    case.validate_response(response)


@pytest.mark.django_db
@negative.parametrize()
@EXAMPLES
def test_the_api_refuses_invalid_requests_as_its_schema_says(case, client, api_data):
    response = _call(client, case)

    assert response.status_code < 500, response.content[:500]
    case.validate_response(response)
