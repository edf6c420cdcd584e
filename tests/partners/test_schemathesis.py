"""Schemathesis against the partners' endpoints, as a partner with a key and one registered endpoint
(tests/test_schemathesis.py covers every endpoint anonymously): no request may end in a server error
or an answer that breaks the schema. Host names resolve to a public address (the network is patched)
so that registrations can succeed without leaving the machine; nothing is delivered."""

import socket

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from claims.models import APIKey
from partners import services
from tests.test_schemathesis import EXCLUDED

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application()).include(
    path_regex=r"^/api/v1/(webhooks|watches|datasets)/"
)
RAW_KEY = "abcd1234.partner-test-key-for-schemathesis"


@pytest.fixture
def as_partner(db, monkeypatch):
    APIKey.objects.create(name="Partner", prefix="abcd1234", hashed_key=APIKey.hash(RAW_KEY))
    services.endpoint_create(key=APIKey.objects.get(), url="http://127.0.0.1:9/", events=["verdict.published"])

    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port or 443))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    rates = {"anon": "100000/minute", "partner": "100000/minute"}
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with override_settings(
            REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}, PARTNER_WATCH_QUOTA=5
        ):
            yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_partners_endpoints_conform_to_the_schema(case, as_partner):
    # Schemathesis's WSGI transport does not decompress (an HTTP client does): ask for plain answers.
    headers = {"Authorization": f"Bearer {RAW_KEY}", "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)
