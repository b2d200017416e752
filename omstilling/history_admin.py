"""The admin's history pages (django-simple-history), with an id that is no id answered 404.

SimpleHistoryAdmin looks the object up with the raw id from the URL, so
/admin/tracks/initiative/abc/history/ raised a ValueError (500). Django's own admin views
answer such URLs with a 404-like redirect; ours answer 404.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    def _require_valid_id(self, object_id: str) -> None:
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError as exc:
            raise Http404 from exc

    def history_view(self, request, object_id, extra_context=None):
        self._require_valid_id(object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_valid_id(object_id)
        try:
            int(version_id)
        except ValueError as exc:
            raise Http404 from exc
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )
