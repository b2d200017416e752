"""Approval before BFU sees (issue 13, part 2): with `workflow: {approval: true}` in the plan
file, status updates by owners are drafts until chefgruppen approves them; sent back with a
comment otherwise. Drafts are seen by their author, the owners and chefgruppen only, and are
on no dashboard figure, in no export and no report."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notifications.models import Notification, NotificationKind
from notifications.services import follow
from omstilling.plan_export import dump_plan_file
from omstilling.plan_file import load_plan_file
from reports.dashboard.selectors import Scope, status_changes
from tests.factories import GovernanceBodyFactory, InitiativeFactory, UserFactory
from tracks import selectors
from tracks.models import Initiative, PlanWorkflow, StatusReview, StatusUpdate
from tracks.services import initiative_update_status, status_review

PERSONA_FIXTURES = {
    "chef": "chef",
    "bfu": "bfu",
    "owner": "owner",
    "other_owner": "other_owner",
    "leader": "leader",
    "support": "support",
    "visitation": "visitation",
    "admin": "admin_user",
}
DRAFT_READERS = {"chef", "owner"}


@pytest.fixture
def approval(plan):
    return PlanWorkflow.objects.create(plan=plan, approval=True)


def _update(initiative, by, *, progress=50, health="gul", narrative="Udfordret"):
    initiative.refresh_from_db()
    return initiative_update_status(
        initiative=initiative,
        by=by,
        state="i_gang",
        health=health,
        progress=progress,
        narrative=narrative,
        expected_version=initiative.version,
    )


def test_without_the_setting_an_owners_update_is_published_at_once(initiative, owner):
    update = _update(initiative, owner)
    initiative.refresh_from_db()
    assert not update.needs_approval
    assert initiative.current_status == update
    assert list(selectors.published_statuses()) == [update]


@pytest.mark.usefixtures("approval")
def test_with_the_setting_an_owners_update_is_a_draft(initiative, owner, chef):
    published = _update(initiative, chef, progress=10, health="groen", narrative="")
    draft = _update(initiative, owner, progress=70, narrative="Kladdetekst")
    initiative.refresh_from_db()
    assert draft.needs_approval and draft.is_draft and not draft.is_published
    assert initiative.current_status == published
    assert initiative.version == 2
    assert list(selectors.published_statuses()) == [published]
    assert list(selectors.pending_drafts(plan=initiative.plan)) == [draft]


@pytest.mark.usefixtures("approval")
def test_chefgruppens_own_update_is_published_at_once(initiative, chef):
    update = _update(initiative, chef)
    initiative.refresh_from_db()
    assert not update.needs_approval
    assert initiative.current_status == update


@pytest.mark.usefixtures("approval")
def test_approving_publishes_and_notifies_the_author_and_followers(initiative, owner, chef, leader):
    follow(user=leader, target=initiative)
    draft = _update(initiative, owner)
    assert not Notification.objects.filter(recipient=leader).exists()

    review = status_review(update=draft, by=chef, decision="godkendt", comment="Fint")
    initiative.refresh_from_db()
    assert initiative.current_status == draft
    assert review.decision == StatusReview.Decision.APPROVED
    assert list(selectors.published_statuses()) == [draft]
    kinds = dict(Notification.objects.values_list("recipient__username", "kind"))
    assert kinds == {
        owner.username: NotificationKind.APPROVED,
        leader.username: NotificationKind.FOLLOWED_CHANGE,
    }


@pytest.mark.usefixtures("approval")
def test_sending_back_needs_a_comment_and_history_keeps_both(initiative, owner, chef):
    draft = _update(initiative, owner, progress=20)
    with pytest.raises(ValidationError) as caught:
        status_review(update=draft, by=chef, decision="sendt_tilbage", comment="  ")
    assert "comment" in caught.value.message_dict
    status_review(update=draft, by=chef, decision="sendt_tilbage", comment="Ret fremdriften")
    note = Notification.objects.get(recipient=owner)
    assert note.kind == NotificationKind.SENT_BACK
    assert note.text == "Ret fremdriften"
    initiative.refresh_from_db()
    assert initiative.current_status is None

    corrected = _update(initiative, owner, progress=45)
    status_review(update=corrected, by=chef, decision="godkendt")
    initiative.refresh_from_db()
    assert initiative.current_status == corrected
    history = selectors.status_history(initiative=initiative, user=owner)
    assert [(u.progress, u.review.decision) for u in history] == [
        (45, "godkendt"),
        (20, "sendt_tilbage"),
    ]
    assert [u.progress for u in selectors.status_history(initiative=initiative, user=chef)] == [
        45,
        20,
    ]


@pytest.mark.usefixtures("approval")
def test_a_draft_is_decided_once(initiative, owner, chef):
    draft = _update(initiative, owner)
    status_review(update=draft, by=chef, decision="godkendt")
    with pytest.raises(ValidationError):
        status_review(update=draft, by=chef, decision="sendt_tilbage", comment="for sent")
    assert StatusReview.objects.count() == 1


def test_an_update_that_needs_no_approval_cannot_be_reviewed(initiative, owner, chef):
    update = _update(initiative, owner)
    with pytest.raises(ValidationError):
        status_review(update=update, by=chef, decision="godkendt")


@pytest.mark.usefixtures("approval")
def test_approving_an_older_draft_never_hides_a_newer_published_status(initiative, owner, chef):
    draft = _update(initiative, owner, progress=30)
    newer = _update(initiative, chef, progress=60)
    status_review(update=draft, by=chef, decision="godkendt")
    initiative.refresh_from_db()
    assert initiative.current_status == newer


@pytest.mark.usefixtures("approval")
def test_the_owning_group_sees_drafts_and_others_do_not(initiative, owner, chef, bfu):
    body = GovernanceBodyFactory()
    member = UserFactory(role="initiativejer")
    body.members.add(member)
    Initiative.objects.filter(pk=initiative.pk).update(owner_body=body)
    initiative.refresh_from_db()
    draft = _update(initiative, owner)
    assert list(selectors.visible_statuses(initiative=initiative, user=member)) == [draft]
    assert list(selectors.visible_statuses(initiative=initiative, user=bfu)) == []


# --- what readers see ------------------------------------------------------------------------


@pytest.fixture
def draft(approval, initiative, owner, chef):
    _update(initiative, chef, progress=10, health="groen", narrative="")
    return _update(initiative, owner, progress=80, narrative="HEMMELIG-KLADDE")


@pytest.mark.parametrize("persona", list(PERSONA_FIXTURES))
def test_the_tiltag_page_shows_the_draft_only_to_those_who_may_see_it(
    client, request, persona, initiative, draft
):
    client.force_login(request.getfixturevalue(PERSONA_FIXTURES[persona]))
    page = client.get(reverse("tracks:initiative_detail", args=[initiative.pk])).content.decode()
    assert ("HEMMELIG-KLADDE" in page) == (persona in DRAFT_READERS)
    assert ("afventer chefgruppens godkendelse" in page) == (persona in DRAFT_READERS)
    # the status panel's htmx refresh says the same
    panel = client.get(
        reverse("tracks:initiative_detail", args=[initiative.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="status-panel",
    ).content.decode()
    assert ("HEMMELIG-KLADDE" in panel) == (persona in DRAFT_READERS)


def test_the_draft_is_in_no_export_list_or_dashboard_figure(client, bfu, chef, initiative, draft):
    client.force_login(chef)
    body = client.get(reverse("tracks:initiative_export", args=["csv"])).content.decode()
    assert "HEMMELIG-KLADDE" not in body
    row = next(line for line in body.splitlines() if initiative.title in line)
    assert "80" not in row
    listed = client.get(reverse("tracks:initiative_list"), {"health": "gul"})
    assert list(listed.context["page"].object_list) == []
    changes, _per_spor = status_changes(
        plan=initiative.plan, scope=Scope(), since=dt.date(2000, 1, 1)
    )
    assert [i.current_status.progress for i in changes] == [10]
    client.force_login(bfu)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert "HEMMELIG-KLADDE" not in page


def test_the_status_form_starts_from_the_owners_draft(client, owner, initiative, draft):
    client.force_login(owner)
    form = client.get(reverse("tracks:initiative_status", args=[initiative.pk])).context["form"]
    assert form.initial["progress"] == 80
    assert form.initial["expected_version"] == 2


# --- the approval queue and the review page ----------------------------------------------------


@pytest.mark.parametrize("persona", list(PERSONA_FIXTURES))
def test_only_chefgruppen_opens_the_queue_and_reviews(client, request, persona, draft):
    client.force_login(request.getfixturevalue(PERSONA_FIXTURES[persona]))
    queue = client.get(reverse("tracks:approvals"))
    review_url = reverse("tracks:status_review", args=[draft.pk])
    page = client.get(review_url)
    posted = client.post(review_url, {f"s{draft.pk}-decision": "godkendt"})
    if persona == "chef":
        assert queue.status_code == 200
        assert "HEMMELIG-KLADDE" in queue.content.decode()
        assert page.status_code == 200
        assert posted.status_code == 302
        assert StatusReview.objects.filter(status_update=draft).exists()
    else:
        assert queue.status_code == 403
        assert page.status_code == 403
        assert posted.status_code == 403
        assert not StatusReview.objects.exists()


def test_sending_back_from_the_queue_with_htmx_swaps_the_row(client, chef, owner, draft):
    client.force_login(chef)
    url = reverse("tracks:status_review", args=[draft.pk])
    empty = client.post(url, {f"s{draft.pk}-decision": "sendt_tilbage"}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 200
    assert empty.context["update"].review_form.errors["comment"]
    assert not StatusReview.objects.exists()
    done = client.post(
        url,
        {f"s{draft.pk}-decision": "sendt_tilbage", f"s{draft.pk}-comment": "Mere om risikoen"},
        HTTP_HX_REQUEST="true",
    )
    body = done.content.decode()
    assert f'id="draft-{draft.pk}"' in body
    assert "sendt tilbage til forfatteren" in body
    assert StatusReview.objects.get().comment == "Mere om risikoen"


def test_a_decided_or_published_update_has_no_review_page(client, chef, initiative, draft):
    client.force_login(chef)
    status_review(update=draft, by=chef, decision="godkendt")
    assert client.get(reverse("tracks:status_review", args=[draft.pk])).status_code == 404
    published = StatusUpdate.objects.get(needs_approval=False)
    assert client.get(reverse("tracks:status_review", args=[published.pk])).status_code == 404


def test_the_queue_is_bounded(client, chef, approval, spor, owner, django_assert_max_num_queries):
    for i in range(30):
        initiative = InitiativeFactory(spor=spor, owner=owner, title=f"Tiltag {i}")
        _update(initiative, owner)
    client.force_login(chef)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("tracks:approvals"))
    assert len(response.context["page"].object_list) == 20
    assert "30 opdateringer afventer godkendelse" in response.content.decode()


# --- the plan file ---------------------------------------------------------------------------


def test_the_plan_file_turns_approval_on_and_exports_it(tmp_path, chef):
    mini = (Path(__file__).parent.parent / "data" / "mini-plan.yaml").read_text()
    path = tmp_path / "plan.yaml"
    path.write_text(mini + "\nworkflow:\n  approval: true\n")
    plan, _stats = load_plan_file(path)
    assert PlanWorkflow.approval_required(plan.pk)
    assert "workflow:\n  approval: true" in dump_plan_file(plan)

    path.write_text(mini)
    load_plan_file(path, overwrite=True)
    assert PlanWorkflow.approval_required(plan.pk)  # left out: as it is


def test_the_plan_file_refuses_an_unknown_workflow_key(tmp_path):
    from omstilling.plan_file import PlanFileError

    mini = (Path(__file__).parent.parent / "data" / "mini-plan.yaml").read_text()
    path = tmp_path / "plan.yaml"
    path.write_text(mini + "\nworkflow:\n  aproval: true\n")
    with pytest.raises(PlanFileError):
        load_plan_file(path)
