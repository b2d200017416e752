"""Attaching a document, withdrawing one, and the one way a file leaves the portal: the download
view, which checks that the user may read what the document belongs to."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from documents.access import (
    can_download,
    get_document_for_user,
    get_target_for_user,
)
from documents.forms import DocumentForm, WithdrawForm
from documents.services import document_attach, document_withdraw
from omstilling.access import RefusedForbidden, reader_required
from omstilling.forms import apply_service_errors

# What a multipart form adds around the file: the token, the title, the boundaries.
FORM_OVERHEAD = 64 * 1024


def _url_of(target) -> str:
    name = {
        "tracks.Initiative": "tracks:initiative_detail",
        "investments.Investment": "investments:investment_detail",
        "decisions.Decision": "decisions:detail",
    }[target._meta.label]
    return reverse(name, args=[target.pk])


def _render_form(request, target, form, status=200) -> HttpResponse:
    return render(
        request,
        "documents/document_form.html",
        {"target": target, "target_url": _url_of(target), "form": form},
        status=status,
    )


@csrf_protect
def _attach(request: HttpRequest, target: str, pk: int) -> HttpResponse:
    obj = get_target_for_user(request.user, target, pk, write=True)
    posted = request.method == "POST"
    form = DocumentForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            document_attach(
                target=obj,
                by=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Bilaget er tilføjet."))
            return redirect(_url_of(obj))
    return _render_form(request, obj, form)


# The size is checked before the body is read: the CSRF check reads the form, so it runs
# inside (csrf_protect, before anything else), after a too large upload has been refused
# without reading it (a refusal writes nothing).
@csrf_exempt
@reader_required
@require_http_methods(["GET", "POST"])
def document_attach_view(request: HttpRequest, target: str, pk: int) -> HttpResponse:
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DOCUMENT_MAX_BYTES + FORM_OVERHEAD:
            obj = get_target_for_user(request.user, target, pk, write=True)
            # The form is shown with this one error on the file field (the body is not read).
            form = DocumentForm(data={}, files={})
            form.is_valid()
            form.errors["file"] = form.error_class(
                [
                    _("Filen er for stor. Den må højst fylde %(limit)s.")
                    % {"limit": filesizeformat(settings.DOCUMENT_MAX_BYTES)}
                ]
            )
            response = _render_form(request, obj, form, status=413)
            response["Connection"] = "close"
            return response
    return _attach(request, target, pk)


@reader_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_for_user(request.user, pk)
    if not can_download(request.user, document):
        raise RefusedForbidden(model=document._meta.label, object_id=pk)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.file_name,
        content_type={
            "pdf": "application/pdf",
            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "odt": "application/vnd.oasis.opendocument.text",
        }[document.kind],
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@reader_required
@require_http_methods(["GET", "POST"])
def document_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_for_user(request.user, pk, write=True)
    target = document.target
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            document_withdraw(
                document=document, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Bilaget er trukket tilbage."))
            return redirect(_url_of(target))
    return render(
        request,
        "documents/withdraw_form.html",
        {"document": document, "target": target, "target_url": _url_of(target), "form": form},
    )
