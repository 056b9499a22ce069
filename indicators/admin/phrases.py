"""Phrases of Django's admin and its add-ons, worded for the zone's staff in our own catalogue.

Nothing here is called: ``gettext_noop`` puts each msgid into ``locale/zh_Hans/LC_MESSAGES/django.po`` (``make
messages``), whose Chinese takes precedence over the apps' own: phrases that stay English in zh-hans, and ones
whose stock Chinese reads awkwardly around a model's name (“选择 年度数据 来修改” → “选择要修改的年度数据”).
"""

from django.utils.translation import gettext_noop

PHRASES = [
    # django.contrib.admin
    gettext_noop("Model name"), gettext_noop("Add link"), gettext_noop("Change or view list link"),
    gettext_noop("Select %s to change"), gettext_noop("Select %s to view"), gettext_noop("Add %s"), gettext_noop("Add %(name)s"),
    gettext_noop(" By %(filter_title)s "), gettext_noop("Change %s"), gettext_noop("View %s"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"),
    # django.contrib.auth's groups are ipzone's roles (indicators/roles.py)
    gettext_noop("group"), gettext_noop("groups"),
    # django-axes
    gettext_noop("access attempt"), gettext_noop("access attempts"), gettext_noop("access log"), gettext_noop("access logs"),
    gettext_noop("access failure"), gettext_noop("access failures"), gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"), gettext_noop("User Agent"), gettext_noop("IP Address"), gettext_noop("Username"),
    gettext_noop("HTTP Accept"), gettext_noop("Path"), gettext_noop("Attempt Time"), gettext_noop("Logout Time"),
    gettext_noop("Access lock out"), gettext_noop("Failed Logins"), gettext_noop("GET Data"), gettext_noop("POST Data"),
    gettext_noop("Session key hash (sha256)"), gettext_noop("Access Attempt"), gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."), gettext_noop("Locked Out"),
    gettext_noop("Form Data"), gettext_noop("Meta Data"), gettext_noop("Not set"), gettext_noop("Attempt Remaining"),
    gettext_noop("Clean up expired attempts"),
    # django-simple-history
    gettext_noop("Changes"),
]
