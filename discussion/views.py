"""A thread (tiltag or milestone): read it, write in it; edit, withdraw and mark a comment; a
comment's history; the @-mention suggestions (htmx)."""

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from discussion import selectors
from discussion.access import (
    TARGETS,
    annotate_permissions,
    can_comment,
    can_edit_comment,
    can_mark_comment,
    can_withdraw_comment,
    edit_deadline,
    get_comment_for_user,
    get_thread_target_for_user,
    sees_all_comments,
)
from discussion.forms import CommentActionForm, CommentEditForm, CommentForm, MentionSearchForm
from discussion.services import (
    CommentConflict,
    comment_create,
    comment_edit,
    comment_mark_for_committee,
    comment_withdraw,
    thread_url,
)
from omstilling.access import RefusedForbidden, reader_required, writer_required
from omstilling.forms import apply_service_errors
from omstilling.models import Role

PAGE_SIZE = 30
_LAST_MENTION = re.compile(r"(?:^|\s)@([\w.@+-]{1,150})$")


def _plan_id(target) -> int:
    return target.plan_id if hasattr(target, "plan_id") else target.initiative.plan_id


def _thread_context(request: HttpRequest, target_word: str, target, form=None) -> dict:
    user = request.user
    queryset = selectors.thread(user=user, field=TARGETS[target_word], target=target)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("side"))
    comments = list(page)
    annotate_permissions(user, comments)
    may_write = can_comment(user, plan_id=_plan_id(target))
    if form is None and may_write:
        form = CommentForm(may_mark=user.role == Role.CHEFGRUPPE)
    return {
        "target": target,
        "target_word": target_word,
        "initiative": target if target_word == "tiltag" else target.initiative,
        "page": page,
        "comments": comments,
        "form": form if may_write else None,
        "sees_all": sees_all_comments(user),
    }


@reader_required
@require_http_methods(["GET", "POST"])
def thread(request: HttpRequest, target: str, pk: int) -> HttpResponse:
    obj = get_thread_target_for_user(request.user, target, pk)
    form = None
    if request.method == "POST":
        if not can_comment(request.user, plan_id=_plan_id(obj)):
            raise RefusedForbidden(model=obj._meta.label, object_id=pk)
        form = CommentForm(request.POST, may_mark=request.user.role == Role.CHEFGRUPPE)
        if form.is_valid():
            try:
                comment = comment_create(
                    target=obj,
                    by=request.user,
                    text=form.cleaned_data["text"],
                    for_committee=form.cleaned_data.get("for_committee", False),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                if not request.htmx:
                    messages.success(request, _("Kommentaren er gemt."))
                    return redirect(thread_url(comment))
                form = None  # an empty form under the new comment
    context = _thread_context(request, target, obj, form)
    template = "discussion/thread.html"
    if request.htmx and request.htmx.target == "thread":
        template += "#thread"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@writer_required
@require_http_methods(["GET", "POST"])
def comment_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_comment_for_user(request.user, pk)
    if not can_edit_comment(request.user, comment):
        raise RefusedForbidden(model=comment._meta.label, object_id=pk)
    conflict = False
    if request.method == "POST":
        form = CommentEditForm(request.POST)
        if form.is_valid():
            try:
                comment = comment_edit(
                    comment=comment,
                    by=request.user,
                    text=form.cleaned_data["text"],
                    expected_version=form.cleaned_data["expected_version"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except CommentConflict as exc:
                conflict = True
                comment = exc.comment
                data = request.POST.copy()
                data["expected_version"] = comment.version
                form = CommentEditForm(data)
                form.is_valid()
            else:
                messages.success(request, _("Kommentaren er rettet."))
                return redirect(thread_url(comment))
    else:
        form = CommentEditForm(initial={"text": comment.text, "expected_version": comment.version})
    return render(
        request,
        "discussion/comment_edit.html",
        {
            "comment": comment,
            "form": form,
            "conflict": conflict,
            "deadline": edit_deadline(comment),
            "thread_url": thread_url(comment),
        },
        status=409 if conflict else 200,
    )


def _action(request: HttpRequest, pk: int, allowed, act) -> HttpResponse:
    comment = get_comment_for_user(request.user, pk)
    if not allowed(request.user, comment):
        raise RefusedForbidden(model=comment._meta.label, object_id=pk)
    form = CommentActionForm(request.POST)
    expected = form.cleaned_data.get("expected_version") if form.is_valid() else None
    try:
        act(comment, expected)
    except CommentConflict:
        messages.warning(
            request, _("Kommentaren er ændret imens. Se den, som den står nu, og prøv igen.")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(thread_url(comment))


@writer_required
@require_POST
def comment_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    def act(comment, expected):
        comment_withdraw(comment=comment, by=request.user, expected_version=expected)
        messages.success(request, _("Kommentaren er trukket tilbage."))

    return _action(request, pk, can_withdraw_comment, act)


@writer_required
@require_POST
def comment_mark_view(request: HttpRequest, pk: int) -> HttpResponse:
    show = request.POST.get("for_committee") == "1"

    def act(comment, expected):
        comment_mark_for_committee(
            comment=comment, by=request.user, for_committee=show, expected_version=expected
        )
        messages.success(
            request,
            _("Kommentaren vises nu for udvalget.")
            if show
            else _("Kommentaren vises ikke længere for udvalget."),
        )

    return _action(request, pk, can_mark_comment, act)


@reader_required
@require_GET
def comment_history(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_comment_for_user(request.user, pk)
    if not sees_all_comments(request.user):
        raise RefusedForbidden(model=comment._meta.label, object_id=pk)
    return render(
        request,
        "discussion/comment_history.html",
        {
            "comment": comment,
            "revisions": selectors.history(comment=comment),
            "thread_url": thread_url(comment),
        },
    )


@writer_required
@require_GET
def mention_suggestions(request: HttpRequest) -> HttpResponse:
    """htmx: the users whose name starts as the @name at the end of the text typed so far."""
    form = MentionSearchForm(request.GET)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    match = _LAST_MENTION.search(text)
    users = selectors.mention_suggestions(prefix=match.group(1)) if match else []
    response = render(
        request,
        "discussion/includes/suggestions.html",
        {"users": users, "prefix": match.group(1) if match else ""},
    )
    patch_vary_headers(response, ["HX-Request"])
    return response
