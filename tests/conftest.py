"""The cast: an editor, a reviewer, a reader (logged in, no staff rights) and anonymous."""

import pytest
from django.core.cache import caches

from tests.factories import UserFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """With DATABASE_REPLICA_URLS set, each replica is a test mirror (factcheck/settings.py): Django
    points it at the test database's name only. Point it at the test server too, so that the router
    sees the primary itself and reads there (a test's data lives in its transaction on the primary)."""
    from django.db import connections

    primary = connections["default"].settings_dict
    for alias in connections:
        if alias != "default" and connections[alias].settings_dict["TEST"].get("MIRROR") == "default":
            connections[alias].close()
            connections[alias].settings_dict.update(
                {k: primary[k] for k in ("NAME", "HOST", "PORT", "USER", "PASSWORD")}
            )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # A deliberately slow hasher costs ~0.1 s per user created; tests need no protection from brute force.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    # Every cache, the process-local one of the rate-limit counters included.
    for name in ("default", "local"):
        caches[name].clear()
    yield
    for name in ("default", "local"):
        caches[name].clear()


@pytest.fixture
def editor(db):
    return UserFactory(username="erin-editor", group="Editors")


@pytest.fixture
def other_editor(db):
    return UserFactory(username="ed-second-editor", group="Editors")


@pytest.fixture
def reviewer(db):
    return UserFactory(username="rafael-reviewer", group="Reviewers")


@pytest.fixture
def reader(db):
    return UserFactory(username="rita-reader")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client
