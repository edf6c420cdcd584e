"""The desk's cast has email addresses (the shared cast has none, so it receives no notifications)."""

import pytest

from desk import services
from tests.factories import UserFactory


@pytest.fixture
def mail_editor(db):
    return UserFactory(username="erin-mail-editor", group="Editors", email="erin@desk.example")


@pytest.fixture
def mail_reviewer(db):
    return UserFactory(username="rafael-mail-reviewer", group="Reviewers", email="rafael@desk.example")


@pytest.fixture
def second_reviewer(db):
    return UserFactory(username="sofia-mail-reviewer", group="Reviewers", email="sofia@desk.example")


@pytest.fixture
def new_tip(db):
    return services.tip_submit(
        text="The minister said bread costs twice what it did last year. Everyone is talking about it.",
        where_seen="A post on a social network",
        url="https://social.example/posts/123",
        email="reader@mail.example",
    )
