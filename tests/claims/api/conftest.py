import pytest

from claims.models import Claim, Verdict
from tests.factories import UserFactory, make_verdict


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The factories hash a password per user they build; PBKDF2 would make the 50-claim
    # query-count tests take seconds each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reviewer_user(db):
    return UserFactory(username="factory-reviewer", group="Reviewers")


@pytest.fixture
def published(db):
    """make_verdict(PUBLISHED) with overrides for the claim."""

    def make(**claim_kwargs):
        return make_verdict(Verdict.Status.PUBLISHED, **claim_kwargs)

    return make


def claim_of(verdict):
    return Claim.objects.select_related("verdict", "claimant").get(pk=verdict.claim_id)
