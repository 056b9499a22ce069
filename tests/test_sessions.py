"""ipzone.sessions reads sessions with one plain SELECT and must answer exactly as Django's database store."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ipzone.sessions import SessionStore

pytestmark = pytest.mark.django_db


def saved(data, **extra):
    store = SessionStore()
    store.update(data)
    store.create()
    if extra:
        Session.objects.filter(session_key=store.session_key).update(**extra)
    return store.session_key


def test_a_live_session_loads_in_one_query_as_djangos_store_loads_it():
    key = saved({"_auth_user_id": "7", "django_language": "en"})
    with CaptureQueriesContext(connection) as queries:
        data = SessionStore(key).load()
    assert data == DjangoStore(key).load() == {"_auth_user_id": "7", "django_language": "en"}
    assert len(queries.captured_queries) == 1


def test_an_expired_session_is_empty_and_its_key_forgotten():
    key = saved({"_auth_user_id": "7"}, expire_date=timezone.now() - timedelta(seconds=1))
    store = SessionStore(key)
    assert store.load() == {} and store.session_key is None
    assert DjangoStore(key).load() == {}


@pytest.mark.parametrize("key", ["nosuchsessionkey0000000000000000", "short", None])
def test_an_unknown_or_invalid_key_is_an_empty_session(key):
    store = SessionStore(key)
    assert store.load() == {} and store.session_key is None


def test_a_tampered_session_is_empty():
    key = saved({"_auth_user_id": "7"})
    Session.objects.filter(session_key=key).update(session_data="forged:data")
    assert SessionStore(key).load() == {} == DjangoStore(key).load()
