"""Every page of the portal, derived from the URL confs, with the demo data's real ids.

`url_names()` walks the root URLconf. Each named pattern is either a page in PAGES (visited by
the accessibility audit, for every role) or listed in NOT_PAGES with the reason it is no page
(a download, a POST-only endpoint, a redirect). A test fails when a pattern is in neither, so a
new URL cannot slip past the audit.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver, reverse

# The demo users of `manage.py seed_demo` (password "demo"), one per role.
ROLES = ["chefgruppe", "bfu", "leder", "initiativejer", "stoettesystem", "visitation", "admin"]
ANONYMOUS = "anonym"

NOT_PAGES = {
    "home": "redirects to the role's start page (audited there)",
    "logout": "POST only: logs out",
    "healthz": "JSON for the load balancer",
    "favicon": "redirects to the icon among the static files",
    "set_language": "POST: the language choice in the footer; redirects back to the page",
    "plan_file": "file download (the plan file, .yaml)",
    "tracks:initiative_export": "file download (.xlsx/.csv)",
    "tracks:milestone_undo": "POST only (htmx row swap, audited in the milestone journey)",
    "tracks:initiative_follow": "POST only: follows or unfollows the tiltag (htmx swap)",
    "notifications:mark_read": "POST only (htmx row swap on the notification list)",
    "notifications:mark_all_read": "POST only: marks every notification read, redirects",
    "tracks:spor_archive": "POST only: archives a spor, redirects (the button is on its form)",
    "tracks:theme_archive": "POST only: archives a theme, redirects (the button is on its form)",
    "tracks:initiative_archive": "POST only: archives a tiltag, redirects",
    "tracks:milestone_archive": "POST only: archives a milestone, redirects",
    "rounds:request_update": "POST only (htmx row swap on the round overview)",
    "rounds:close": "POST only: closes the round, redirects to it",
    "investments:export_xlsx": "file download",
    "investments:export_csv": "file download",
    "kpis:export": "file download (.xlsx/.csv)",
    "supportsystem:forloeb_find": "POST only: looks a case up, redirects",
    "supportsystem:forloeb_step": "POST only (htmx panel swap, audited with the forløb)",
    "supportsystem:forloeb_reopen": "POST only (htmx panel swap)",
    "visitation:counts_template": "file download (.csv)",
    "archive:issue_monthly": "POST only: issues the monthly report",
    "archive:row": "one row of the archive table (htmx polling while a PDF is made)",
    "archive:download": "file download (PDF)",
    "archive:new_version": "POST only: issues a new version of a report",
    "archive:retry": "POST only: retries a failed report",
    "public:index": "redirects to the one public plan (audited there); lists them when several",
    "public:report_pdf": "file download (PDF of a published report)",
    "publishing:plan": "POST only: switches the plan's public page on or off",
    "publishing:report": "POST only: publishes or withdraws a report",
    "publishing:officeholder": "POST only: marks a public officeholder",
    "documents:download": "file download (an attachment, served as a download)",
    "discussion:withdraw": "POST only: withdraws a comment, redirects to the thread",
    "discussion:mark": "POST only: shows a comment to the committee (or not), redirects",
    "discussion:suggestions": "htmx fragment: the @-mention suggestions under a comment field",
}
# Django's own admin site (/admin/): its templates are Django's, not ours.
NOT_PAGES_NAMESPACES = {
    "admin": "Django's admin site (Django's templates, not the portal's)",
    "api-v1": "the open data: JSON and CSV, and django-ninja's Swagger UI for its schema",
}


def url_names() -> list[str]:
    """Every named URL pattern of the root URLconf, as "namespace:name"."""
    names: list[str] = []

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, (inner or namespace or "").strip(":"))
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def _ids() -> dict:
    """Real ids from the demo data (queried once the data is loaded)."""
    from decisions.models import Decision
    from discussion.models import Comment
    from documents.models import Document
    from investments.models import DevelopmentSchool, Investment
    from omstilling.models import User
    from rounds.models import UpdateRound
    from supportsystem.models import Forloeb
    from tracks.models import Initiative, Milestone, Spor, StatusUpdate, Theme
    from visitation.models import PreReferral, Referral

    owner = User.objects.get(username="initiativejer")
    leader = User.objects.get(username="leder")
    # The initiative the initiativejer owns: editable for its owner and for chefgruppen.
    initiative = (
        Initiative.objects.filter(owner=owner).order_by("pk").first()
        or Initiative.objects.order_by("pk").first()
    )
    milestone = (
        Milestone.objects.filter(
            institution__in=leader.institutions.all(), completed_on__isnull=True
        )
        .order_by("pk")
        .first()
    )
    # A plan without an investment pool has no investments and no udviklingsskoler: their
    # pages have no id to be visited with (Page.missing).
    investment = Investment.objects.order_by("pk").first()
    school = DevelopmentSchool.objects.order_by("pk").first()
    return {
        "initiative": initiative.pk,
        "milestone": milestone.pk,
        "spor": Spor.objects.order_by("number").last().pk,
        "investment": investment.pk if investment else None,
        "school": school.pk if school else None,
        "forloeb": Forloeb.objects.filter(institution__in=leader.institutions.all())
        .order_by("pk")
        .first()
        .pk,
        "pre_referral": PreReferral.objects.order_by("pk").first().pk,
        "referral": Referral.objects.order_by("pk").first().pk,
        "area": initiative.lead_area_id,
        "plan_slug": initiative.plan.slug,
        "decision": Decision.objects.current().order_by("pk").values_list("pk", flat=True).first(),
        "document": Document.objects.order_by("pk").values_list("pk", flat=True).first(),
        "comment_edited": Comment.objects.filter(version__gt=1, withdrawn_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first(),
        "comment_initiative": Comment.objects.filter(initiative__isnull=False)
        .order_by("pk")
        .values_list("initiative_id", flat=True)
        .first(),
        "comment_milestone": Comment.objects.filter(milestone__isnull=False)
        .order_by("pk")
        .values_list("milestone_id", flat=True)
        .first(),
        "decision_corrected": Decision.objects.filter(correction__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first(),
        # The tiltag the demo leaves without an owner ("Kræver opmærksomhed", "Tildel ejer").
        "unowned": (
            Initiative.objects.filter(owner=None, owner_body=None).order_by("pk").first()
            or initiative
        ).pk,
        # A theme of the plan (the edit form); none in a plan without themes.
        "theme": Theme.objects.order_by("pk").values_list("pk", flat=True).first(),
        # An open milestone of the owner's tiltag: editable, re-plannable, cancellable.
        "owned_milestone": Milestone.objects.filter(
            initiative=initiative, completed_on__isnull=True
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .first(),
        # the demo's update round (none in a plan whose demo opens none)
        "round": UpdateRound.objects.order_by("pk").values_list("pk", flat=True).first(),
        # the demo's draft status update, waiting for chefgruppen's approval (none in a plan
        # without approval)
        "draft": StatusUpdate.objects.filter(needs_approval=True, review__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first(),
    }


@dataclass(frozen=True)
class Page:
    key: str  # shown in the report
    url_name: str | None  # None: a path that is no pattern (the 404 page)
    kwargs: Callable[[dict], dict] = field(default=lambda ids: {})
    query: Callable[[dict], str] = field(default=lambda ids: "")
    path: str = ""
    anonymous: bool = False  # also (or only) audited without logging in

    def missing(self, ids: dict) -> bool:
        """Whether the page is about an object the data has none of (an investment of a plan
        without a pool)."""
        return any(value is None for value in self.kwargs(ids).values())

    def url(self, ids: dict) -> str:
        base = reverse(self.url_name, kwargs=self.kwargs(ids)) if self.url_name else self.path
        query = self.query(ids)
        return f"{base}?{query}" if query else base


def _pk(name: str) -> Callable[[dict], dict]:
    return lambda ids: {"pk": ids[name]}


PAGES = [
    Page("log ind", "login", anonymous=True),
    Page("skift adgangskode", "password_change"),
    Page(
        "invitation: linket virker ikke",
        "invitation",
        lambda ids: {"uidb64": "MQ", "token": "forkert-token"},
        anonymous=True,
    ),
    Page("invitation: adgangskoden er gemt", "invitation_complete", anonymous=True),
    Page("404", None, path="/findes-ikke/", anonymous=True),
    Page("plan: oversigt", "tracks:overview"),
    Page("planer (vælg plan)", "plan_list"),
    Page("tiltag: liste", "tracks:initiative_list"),
    Page(
        "tiltag: liste med filtre",
        "tracks:initiative_list",
        query=lambda ids: f"spor={ids['spor']}&status=i_gang&q=a",
    ),
    Page("tiltag: detalje", "tracks:initiative_detail", _pk("initiative")),
    Page("tiltag: statusformular", "tracks:initiative_status", _pk("initiative")),
    Page("tiltag: tildel ejer", "tracks:initiative_owner", _pk("unowned")),
    Page("mine milepæle", "tracks:my_milestones"),
    Page("kræver opmærksomhed", "tracks:attention"),
    Page(
        "kræver opmærksomhed: forsinkede",
        "tracks:attention",
        query=lambda ids: "liste=forsinkede",
    ),
    Page("tiltag: redigér", "tracks:initiative_edit", _pk("initiative")),
    Page("tiltag: historik", "tracks:initiative_history", _pk("initiative")),
    Page("tiltag: ny milepæl", "tracks:milestone_create", _pk("initiative")),
    Page("spor: nyt", "tracks:spor_create"),
    Page("spor: redigér", "tracks:spor_edit", _pk("spor")),
    Page("spor: nyt tiltag", "tracks:initiative_create", _pk("spor")),
    Page("spor: nyt tema", "tracks:theme_create", _pk("spor")),
    Page("tema: redigér", "tracks:theme_edit", _pk("theme")),
    Page("milepæl: redigér", "tracks:milestone_edit", _pk("owned_milestone")),
    Page("milepæl: flyt", "tracks:milestone_replan", _pk("owned_milestone")),
    Page("milepæl: aflys", "tracks:milestone_cancel", _pk("owned_milestone")),
    Page("milepæle: flyttede", "tracks:replanned_list"),
    Page("milepæle: liste", "tracks:milestone_list"),
    Page(
        "milepæle: forsinkede (se alle)",
        "tracks:milestone_list",
        query=lambda ids: "state=forsinket",
    ),
    Page(
        "tiltag: kræver opmærksomhed",
        "tracks:initiative_list",
        query=lambda ids: "attention=uden_opdatering",
    ),
    Page("godkendelser", "tracks:approvals"),
    Page("opdateringsrunder", "rounds:list"),
    Page("opdateringsrunde: åbn", "rounds:open"),
    Page("opdateringsrunde: overblik", "rounds:detail", _pk("round")),
    Page("mine opgaver", "rounds:my_tasks"),
    Page("statusopdatering: godkend", "tracks:status_review", _pk("draft")),
    Page("milepæl: markér som nået", "tracks:milestone_complete", _pk("milestone")),
    Page("overblik (dashboard)", "reports:dashboard"),
    Page(
        "overblik med filtre",
        "reports:dashboard",
        query=lambda ids: f"spor={ids['spor']}&area={ids['area']}",
    ),
    Page("nøgletal", "kpis:overview"),
    Page("nøgletal: pr. distriktsskole", "kpis:schools"),
    Page("rapporter (arkiv)", "archive:list"),
    Page("mine påmindelser", "archive:reminders"),
    Page("notifikationer", "notifications:list"),
    Page("notifikationer: kun ulæste", "notifications:list", query=lambda ids: "vis=ulaeste"),
    Page("notifikationer: e-mail", "notifications:preferences"),
    Page("investeringer: puljen", "investments:pool"),
    Page("investeringer: alle", "investments:investment_list"),
    Page(
        "investeringer: alle, filtreret",
        "investments:investment_list",
        query=lambda ids: "status=i_gang",
    ),
    Page("investering: ny", "investments:investment_create"),
    Page("investering: detalje", "investments:investment_detail", _pk("investment")),
    Page("investering: redigér", "investments:investment_edit", _pk("investment")),
    Page("investering: beslutning", "investments:investment_decide", _pk("investment")),
    Page("investering: forbrug", "investments:spending_record", _pk("investment")),
    Page("udviklingsskole: ny", "investments:school_create"),
    Page("udviklingsskole: detalje", "investments:school_detail", _pk("school")),
    Page("udviklingsskole: redigér", "investments:school_edit", _pk("school")),
    Page("hvem kan hjælpe", "supportsystem:directory"),
    Page("hvem kan hjælpe med filtre", "supportsystem:directory", query=lambda ids: "q=skole"),
    Page("hvem kan hjælpe: én del", "supportsystem:directory", query=lambda ids: "kind=eksternt"),
    Page("forløb: liste", "supportsystem:forloeb_list"),
    Page("forløb: liste, alle", "supportsystem:forloeb_list", query=lambda ids: "status=alle"),
    Page("forløb: nyt", "supportsystem:forloeb_create"),
    Page("forløb: detalje", "supportsystem:forloeb_detail", _pk("forloeb")),
    Page("visitation: arbejdsplads", "visitation:workspace"),
    Page("visitation: før-henvisning ny", "visitation:pre_referral_create"),
    Page("visitation: før-henvisning", "visitation:pre_referral_detail", _pk("pre_referral")),
    Page("visitation: henvisning ny", "visitation:referral_create"),
    Page("visitation: henvisning", "visitation:referral_detail", _pk("referral")),
    Page("visitation: bestand", "visitation:counts"),
    Page("visitation: mål for nøgletal", "visitation:kpi_targets"),
    Page(
        "visitation: mål, segregeringsgrad",
        "visitation:kpi_targets",
        query=lambda ids: "noegletal=segregation_rate",
    ),
    Page("visitation: kun mine", "visitation:workspace", query=lambda ids: "mine=1"),
    Page(
        "offentlig: planens fremdrift",
        "public:plan",
        lambda ids: {"slug": ids["plan_slug"]},
        anonymous=True,
    ),
    Page(
        "offentlig: tiltag",
        "public:initiative",
        lambda ids: {"slug": ids["plan_slug"], "pk": ids["initiative"]},
        anonymous=True,
    ),
    Page("offentliggørelse (chefgruppen)", "publishing:settings"),
    Page("beslutninger", "decisions:list"),
    Page(
        "beslutninger om et tiltag",
        "decisions:list",
        query=lambda ids: f"tiltag={ids['initiative']}",
    ),
    Page("beslutning: ny", "decisions:create"),
    Page("beslutning: detalje", "decisions:detail", _pk("decision")),
    Page("beslutning: rettet registrering", "decisions:detail", _pk("decision_corrected")),
    Page("beslutning: ret", "decisions:correct", _pk("decision")),
    Page(
        "bilag: tilføj til tiltag",
        "documents:attach",
        lambda ids: {"target": "tiltag", "pk": ids["initiative"]},
    ),
    Page(
        "bilag: tilføj til investering",
        "documents:attach",
        lambda ids: {"target": "investering", "pk": ids["investment"]},
    ),
    Page("bilag: træk tilbage", "documents:withdraw", _pk("document")),
    Page(
        "tiltag: detalje med drøftelse",
        "tracks:initiative_detail",
        _pk("comment_initiative"),
    ),
    Page(
        "drøftelse af tiltag",
        "discussion:thread",
        lambda ids: {"target": "tiltag", "pk": ids["comment_initiative"]},
    ),
    Page(
        "drøftelse af milepæl",
        "discussion:thread",
        lambda ids: {"target": "milepael", "pk": ids["comment_milestone"]},
    ),
    # The author's edit form (a 403 page for the others, and for the author after the window).
    Page("kommentar: redigér", "discussion:edit", _pk("comment_edited")),
    Page("kommentar: historik", "discussion:history", _pk("comment_edited")),
]

PAGE_KEYS = [page.key for page in PAGES]
BY_KEY = {page.key: page for page in PAGES}


def page_ids() -> dict:
    return _ids()
