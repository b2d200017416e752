"""The open-data API, /api/v1/: the public data of public.selectors as JSON and CSV.

Read-only and versioned. Built with django-ninja, which also serves the OpenAPI schema
(/api/v1/openapi.json) and its documentation (/api/v1/docs). Every answer carries the date of
its data (`data_date`), an ETag and Last-Modified (a conditional GET answers 304), and every
client (by IP address) is held to PUBLIC_API_RATE requests (429 with Retry-After past it). A
plan that is not public answers 404, as if it did not exist. Ids are the rows' primary keys:
they never change and are never reused.
"""

import datetime as dt
import math
from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from ninja import NinjaAPI, Path, Query, Schema
from ninja.throttling import SimpleRateThrottle

from omstilling.exports import Sheet, sheets_response
from public import selectors

PAGE_SIZE = 50
MAX_PAGE = 10_000
MAX_AGE = 60


class ClientRateThrottle(SimpleRateThrottle):
    """PUBLIC_API_RATE requests per client (its IP address), counted in Django's cache."""

    scope = "public-api"

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.PUBLIC_API_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


api = NinjaAPI(
    title="Omstillingsportalen – åbne data",
    version="1",
    description=(
        "Offentlige data om omstillingsplanernes fremdrift: planer, spor, tiltag med "
        "milepæle, anbefalinger, puljen og samlede tal om børn og unge i specialtilbud og "
        "henvisninger. Tal om børn vises aldrig under 5. Kun læsning. Hvert svar har datoen "
        "for sine data (data_date), ETag og Last-Modified; lister er opdelt i sider "
        f"({PAGE_SIZE} pr. side) og findes også som CSV."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
# Counted in the conditional wrapper below, so that a 304 counts as a request too.
_throttle = ClientRateThrottle(settings.PUBLIC_API_RATE)


# --- conditional GET: one place for every operation -------------------------------------------


def _stamp(kwargs: dict) -> dt.datetime | None:
    slug = kwargs.get("slug")
    if slug is None:
        stamps = [selectors.data_stamp(plan) for plan in selectors.public_plans()]
        return max(stamps) if stamps else None
    plan = selectors.public_plan(slug)
    return selectors.data_stamp(plan) if plan else None


def _conditional(view):
    """The rate limit per client, then ETag and Last-Modified from the data's stamp: 304 when
    the client has the data already."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not _throttle.allow_request(request):
            wait = _throttle.wait()
            response = JsonResponse(
                {"detail": "For mange forespørgsler. Prøv igen senere."}, status=429
            )
            response["Retry-After"] = str(math.ceil(wait or 1))
            return response
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        stamp = _stamp(kwargs)
        if stamp is None:
            return view(request, *args, **kwargs)
        request.public_stamp = stamp
        etag = selectors.etag(stamp, request.get_full_path(), request.LANGUAGE_CODE)
        last_modified = math.floor(stamp.timestamp())
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return not_modified
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            response["ETag"] = etag
            response["Last-Modified"] = http_date(last_modified)
            patch_cache_control(response, public=True, max_age=MAX_AGE)
        return response

    return wrapped


api.add_decorator(_conditional, mode="view")


def _data(request: HttpRequest, slug: str) -> selectors.PublicData:
    plan = selectors.public_plan(slug)
    if plan is None:
        raise Http404("Planen findes ikke eller er ikke offentlig.")
    return selectors.public_data(plan, stamp=getattr(request, "public_stamp", None))


# --- schemas ----------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str | list


class Figure(Schema):
    text: str
    value: int | None


class PlanOut(Schema):
    id: int
    slug: str
    title: str
    municipality: str
    department: str
    committee: str
    summary: str
    start_quarter: str
    end_quarter: str
    is_current: bool


class PlanDetail(PlanOut):
    data_date: dt.datetime
    spor: int
    initiatives: int
    recommendations: int
    has_pool: bool
    latest_report_pdf: str | None


class PlanList(Schema):
    data_date: dt.datetime | None
    count: int
    items: list[PlanOut]


class SporOut(Schema):
    id: int
    number: int
    slug: str
    title: str
    description: str
    progress: int | None
    initiatives: list[int]


class MilestoneOut(Schema):
    id: int
    slug: str
    title: str
    planned_quarter: str
    planned_date: dt.date | None
    original_quarter: str | None
    state: str
    state_label: str
    reached_on: dt.date | None
    institution: str | None


class InitiativeOut(Schema):
    id: int
    slug: str
    title: str
    description: str
    spor_id: int
    spor_number: int
    theme: str | None
    lead_area: str | None
    owner: str | None
    owner_body: str | None
    start_quarter: str
    end_quarter: str | None
    state: str | None
    state_label: str
    health: str | None
    health_label: str
    health_symbol: str
    progress: int | None
    status_date: dt.date | None
    recommendations: list[int]
    milestones: list[MilestoneOut]


class InitiativeDetail(InitiativeOut):
    data_date: dt.datetime


class RecommendationOut(Schema):
    id: int
    number: int
    theme_number: int
    theme: str
    text: str
    means: list[str]
    initiatives: list[int]


class PageOut(Schema):
    data_date: dt.datetime
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None


class SporPage(PageOut):
    items: list[SporOut]


class InitiativePage(PageOut):
    items: list[InitiativeOut]


class RecommendationPage(PageOut):
    items: list[RecommendationOut]


class SchoolOut(Schema):
    id: int
    name: str
    approved: Decimal


class PoolOut(Schema):
    title: str
    granted: Decimal
    approved: Decimal
    spent: Decimal
    free: Decimal
    schools: list[SchoolOut]


class InvestmentsOut(Schema):
    data_date: dt.datetime
    pool: PoolOut | None


class SpecialOfferOut(Schema):
    quarter: str
    dagtilbud: Figure
    skole: Figure
    total: Figure


class ReferralOut(Schema):
    quarter: str
    preceded: Figure
    not_preceded: Figure
    referrals: Figure


class OutcomesOut(Schema):
    data_date: dt.datetime
    note: str
    special_offers: list[SpecialOfferOut]
    referrals: list[ReferralOut]


# --- helpers ----------------------------------------------------------------------------------

PageNumber = Query(1, ge=1, le=MAX_PAGE, description="Sidenummer, fra 1")
PlanSlug = Path(
    ..., pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=120, description="Planens nøgle"
)
InitiativeId = Path(..., ge=1, le=2_147_483_647, description="Tiltagets id")


def _page(request: HttpRequest, items: list, page: int, data_date: dt.datetime) -> dict:
    count = len(items)
    pages = max(1, math.ceil(count / PAGE_SIZE))
    start = (page - 1) * PAGE_SIZE

    def link(number: int) -> str:
        return request.build_absolute_uri(f"{request.path}?page={number}")

    return {
        "data_date": data_date,
        "count": count,
        "page": page,
        "pages": pages,
        "next": link(page + 1) if page < pages else None,
        "previous": link(page - 1) if 1 < page <= pages else None,
        "items": items[start : start + PAGE_SIZE],
    }


ERROR = {
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"detail": {}},
                "required": ["detail"],
            }
        }
    }
}
CSV_RESPONSE = {
    "responses": {
        200: {
            "description": "CSV (UTF-8 med BOM, semikolon som skilletegn)",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        404: {"description": "Planen findes ikke eller er ikke offentlig", **ERROR},
        422: {"description": "Ugyldig forespørgsel", **ERROR},
        429: {"description": "For mange forespørgsler (se Retry-After)", **ERROR},
    }
}


def _csv(name: str, header: list[str], rows) -> HttpResponse:
    """A list as CSV, through the portal's one export path (formula neutralising included)."""
    sheet = Sheet(title=name, headers=header, rows=rows)
    return sheets_response(fmt="csv", basename=name, sheets=[sheet])


def _plan_out(plan) -> dict:
    return {
        "id": plan.pk,
        "slug": plan.slug,
        "title": plan.title,
        "municipality": plan.municipality,
        "department": plan.department,
        "committee": plan.committee,
        "summary": plan.summary,
        "start_quarter": selectors.Quarter.of(plan.start_quarter).danish_code,
        "end_quarter": selectors.Quarter.of(plan.end_quarter).danish_code,
        "is_current": plan.is_current,
    }


# --- operations -------------------------------------------------------------------------------


@api.get(
    "/plans",
    response={200: PlanList, 429: ErrorOut},
    summary="De offentlige planer",
    tags=["planer"],
)
def plan_list(request: HttpRequest):
    plans = list(selectors.public_plans())
    return {
        "data_date": getattr(request, "public_stamp", None),
        "count": len(plans),
        "items": [_plan_out(p) for p in plans],
    }


@api.get(
    "/plans/{slug}",
    response={200: PlanDetail, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="En plan",
    tags=["planer"],
)
def plan_detail(request: HttpRequest, slug: str = PlanSlug):
    data = _data(request, slug)
    plan = selectors.public_plan(slug)
    report = (
        request.build_absolute_uri(
            reverse("public:report_pdf", kwargs={"slug": slug, "pk": data.report.id})
        )
        if data.report
        else None
    )
    return {
        **_plan_out(plan),
        "data_date": data.data_date,
        "spor": len(data.spor),
        "initiatives": len(data.initiatives),
        "recommendations": len(data.recommendations),
        "has_pool": data.pool is not None,
        "latest_report_pdf": report,
    }


@api.get(
    "/plans/{slug}/spor",
    response={200: SporPage, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Planens spor",
    tags=["spor"],
)
def spor_list(request: HttpRequest, slug: str = PlanSlug, page: int = PageNumber):
    data = _data(request, slug)
    return _page(request, [vars(s) for s in data.spor], page, data.data_date)


@api.get(
    "/plans/{slug}/spor.csv",
    summary="Planens spor som CSV",
    tags=["spor"],
    openapi_extra=CSV_RESPONSE,
)
def spor_csv(request: HttpRequest, slug: str = PlanSlug):
    data = _data(request, slug)
    return _csv(
        f"{slug}-spor",
        ["id", "nummer", "titel", "fremdrift_pct", "tiltag"],
        (
            [s.id, s.number, s.title, s.progress, " ".join(map(str, s.initiatives))]
            for s in data.spor
        ),
    )


def _initiative_out(initiative) -> dict:
    return {**vars(initiative), "milestones": [vars(m) for m in initiative.milestones]}


@api.get(
    "/plans/{slug}/initiatives",
    response={200: InitiativePage, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Planens tiltag med milepæle",
    tags=["tiltag"],
)
def initiative_list(request: HttpRequest, slug: str = PlanSlug, page: int = PageNumber):
    data = _data(request, slug)
    items = [_initiative_out(i) for i in data.initiatives]
    return _page(request, items, page, data.data_date)


@api.get(
    "/plans/{slug}/initiatives/{initiative_id}",
    response={200: InitiativeDetail, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Et tiltag med milepæle",
    tags=["tiltag"],
)
def initiative_detail(
    request: HttpRequest, slug: str = PlanSlug, initiative_id: int = InitiativeId
):
    data = _data(request, slug)
    initiative = data.by_id.get(initiative_id)
    if initiative is None:
        raise Http404("Tiltaget findes ikke i planen.")
    return {**_initiative_out(initiative), "data_date": data.data_date}


@api.get(
    "/plans/{slug}/initiatives.csv",
    summary="Planens tiltag som CSV",
    tags=["tiltag"],
    openapi_extra=CSV_RESPONSE,
)
def initiative_csv(request: HttpRequest, slug: str = PlanSlug):
    data = _data(request, slug)
    return _csv(
        f"{slug}-tiltag",
        [
            "id",
            "spor",
            "titel",
            "arbejdsstatus",
            "sundhed",
            "fremdrift_pct",
            "status_dato",
            "startkvartal",
            "slutkvartal",
            "ansvarlig",
            "ansvarlig_gruppe",
            "milepaele",
            "milepaele_naaet",
            "anbefalinger",
        ],
        (
            [
                i.id,
                i.spor_number,
                i.title,
                i.state_label,
                i.health_label,
                i.progress,
                i.status_date,
                i.start_quarter,
                i.end_quarter,
                i.owner,
                i.owner_body,
                len(i.milestones),
                i.milestones_reached,
                " ".join(map(str, i.recommendations)),
            ]
            for i in data.initiatives
        ),
    )


@api.get(
    "/plans/{slug}/milestones.csv",
    summary="Planens milepæle som CSV",
    tags=["tiltag"],
    openapi_extra=CSV_RESPONSE,
)
def milestone_csv(request: HttpRequest, slug: str = PlanSlug):
    data = _data(request, slug)
    return _csv(
        f"{slug}-milepaele",
        [
            "id",
            "tiltag_id",
            "titel",
            "planlagt_kvartal",
            "oprindeligt_kvartal",
            "planlagt_dato",
            "status",
            "naaet",
        ],
        (
            [
                m.id,
                i.id,
                m.title,
                m.planned_quarter,
                m.original_quarter,
                m.planned_date,
                m.state_label,
                m.reached_on,
            ]
            for i in data.initiatives
            for m in i.milestones
        ),
    )


@api.get(
    "/plans/{slug}/recommendations",
    response={200: RecommendationPage, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Anbefalingerne og de tiltag, der fører dem ud i livet",
    tags=["anbefalinger"],
)
def recommendation_list(request: HttpRequest, slug: str = PlanSlug, page: int = PageNumber):
    data = _data(request, slug)
    return _page(request, [vars(r) for r in data.recommendations], page, data.data_date)


@api.get(
    "/plans/{slug}/recommendations.csv",
    summary="Anbefalingerne som CSV",
    tags=["anbefalinger"],
    openapi_extra=CSV_RESPONSE,
)
def recommendation_csv(request: HttpRequest, slug: str = PlanSlug):
    data = _data(request, slug)
    return _csv(
        f"{slug}-anbefalinger",
        ["id", "nummer", "tema", "anbefaling", "tiltag"],
        (
            [r.id, r.number, r.theme, r.text, " ".join(map(str, r.initiatives))]
            for r in data.recommendations
        ),
    )


@api.get(
    "/plans/{slug}/investments",
    response={200: InvestmentsOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Puljen i alt og de godkendte beløb pr. udviklingsskole",
    tags=["puljen"],
)
def investments(request: HttpRequest, slug: str = PlanSlug):
    data = _data(request, slug)
    pool = data.pool
    return {
        "data_date": data.data_date,
        "pool": {**vars(pool), "schools": [vars(s) for s in pool.schools]} if pool else None,
    }


@api.get(
    "/plans/{slug}/investments.csv",
    summary="De godkendte beløb pr. udviklingsskole som CSV",
    tags=["puljen"],
    openapi_extra=CSV_RESPONSE,
)
def investments_csv(request: HttpRequest, slug: str = PlanSlug):
    data = _data(request, slug)
    schools = data.pool.schools if data.pool else []
    return _csv(
        f"{slug}-udviklingsskoler",
        ["id", "udviklingsskole", "godkendt_kr"],
        ([s.id, s.name, s.approved] for s in schools),
    )


OUTCOME_NOTE = (
    "Samlede tal for hele kommunen. Tal fra 1 til 4 vises som '<5' og et tal, der ellers kunne "
    "regnes ud af de andre, som 'x'; value er da null."
)


@api.get(
    "/plans/{slug}/outcomes",
    response={200: OutcomesOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Børn og unge i specialtilbud og henvisninger pr. kvartal (samlede tal)",
    tags=["resultater"],
)
def outcomes(request: HttpRequest, slug: str = PlanSlug):
    data = _data(request, slug)
    return {
        "data_date": data.data_date,
        "note": OUTCOME_NOTE,
        "special_offers": [vars(r) for r in data.special_offers],
        "referrals": [vars(r) for r in data.referrals],
    }


@api.get(
    "/plans/{slug}/outcomes.csv",
    summary="Børn og unge i specialtilbud og henvisninger som CSV",
    tags=["resultater"],
    openapi_extra=CSV_RESPONSE,
)
def outcomes_csv(request: HttpRequest, slug: str = PlanSlug):
    data = _data(request, slug)
    referrals = {r.quarter: r for r in data.referrals}
    offers = {r.quarter: r for r in data.special_offers}
    quarters = sorted(set(referrals) | set(offers))
    rows = []
    for quarter in quarters:
        offer, referral = offers.get(quarter), referrals.get(quarter)
        rows.append(
            [
                quarter,
                offer.dagtilbud.text if offer else "",
                offer.skole.text if offer else "",
                offer.total.text if offer else "",
                referral.preceded.text if referral else "",
                referral.not_preceded.text if referral else "",
                referral.referrals.text if referral else "",
            ]
        )
    return _csv(
        f"{slug}-resultater",
        [
            "kvartal",
            "specialtilbud_dagtilbud",
            "specialtilbud_skole",
            "specialtilbud_i_alt",
            "henvisninger_efter_foer_henvisning",
            "henvisninger_uden_foer_henvisning",
            "henvisninger_i_alt",
        ],
        rows,
    )


@api.get("/{path:rest}", include_in_schema=False)
def not_found(request: HttpRequest, rest: str):
    """Anything else under /api/v1/ (an empty plan key, a mistyped path): a JSON 404 like the
    operations' own, not the portal's HTML page. Declared last, so it matches only leftovers."""
    raise Http404("Findes ikke.")
