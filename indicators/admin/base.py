from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History is a record, never an editing tool.

    ``SIMPLE_HISTORY_REVERT_DISABLED`` only hides the revert button; the
    historical-version page still accepts a POST that writes the old values
    back.  Refuse it: a correction is a new, normal edit.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
