from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History is a record, never an editing tool, and shows only what the user may see.

    Two gaps in django-simple-history's admin are closed here:

    * ``SIMPLE_HISTORY_REVERT_DISABLED`` only hides the revert button; the
      historical-version page still accepts a POST that writes the old values
      back.  We refuse it: a correction is a new, normal edit.
    * Both history views fall back to the historical rows when the object is
      not in ``get_queryset(request)`` (meant for deleted objects), which would
      show a reporter another department's drafts.  Only users who see every
      department keep that fallback.
    """

    def _check_scope(self, request, object_id):
        if request.user.sees_everything:
            return
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._check_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        self._check_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)
