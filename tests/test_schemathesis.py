"""Schemathesis against the generated OpenAPI schema, on the seeded database: no request it makes
may end in a server error or a response that breaks the schema. Bounded (a few examples per
operation) so that it runs in seconds."""

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi import checks

# One check judges which requests the API accepts, and the schema cannot express that rule: an
# unknown rating or claimant slug is a valid string for the schema (slugs are data, not an enum)
# but a 400. The opposite check holds: whatever the schema excludes (an empty parameter, a number
# for the match text, ...) is refused. Server errors and every response's status, content type,
# headers and body are checked too.
EXCLUDED = [checks.positive_data_acceptance]


# Generating the schema reads no data, so it is loaded at collection time. (schemathesis'
# from_fixture() does not work with pytest 9: it sets a node attribute pytest renamed.)
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


@pytest.fixture(scope="module")
def seeds(django_db_setup, django_db_blocker):
    """The seeds, loaded once for the module in a transaction rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("loadseeds", verbosity=0)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def seeded(seeds, db):
    rates = {"anon": "100000/minute", "partner": "100000/minute"}
    # Schemathesis calls the WSGI application directly, whose request signals would close the
    # connection that holds the test's transaction; Django's test client disconnects them too.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
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
def test_api_conforms_to_its_schema(case, seeded):
    # Schemathesis's WSGI transport does not decompress (an HTTP client does): ask for plain answers.
    case.call_and_validate(headers={"Accept-Encoding": "identity"}, excluded_checks=EXCLUDED)
