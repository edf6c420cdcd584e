import datetime

import pytest

from claims import services
from claims.models import Claim, Rating, Verdict
from tests.factories import AppearanceFactory, SourceFactory, TopicFactory, UserFactory, make_verdict


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


@pytest.fixture
def rich_claims(db, reviewer_user):
    """make(n): n published claims with everything nested that the detail shows (two topics, a second
    appearance, a captured evidence source and a correction), for query-count tests."""

    def make(n):
        topics = [TopicFactory(), TopicFactory()]
        verdicts = []
        for _ in range(n):
            verdict = make_verdict(Verdict.Status.PUBLISHED, reviewer=reviewer_user)
            claim = verdict.claim
            claim.topics.set(topics)
            AppearanceFactory(claim=claim, is_first=False, seen_on=datetime.date(2024, 6, 15))
            source = verdict.evidence.get().source
            source.capture("The captured text.")
            source.save()
            services.verdict_correct(
                verdict=verdict, note="Rating changed.", by=reviewer_user, rating=Rating.objects.get(slug="mostly-false")
            )
            verdicts.append(verdict)
        return verdicts

    return make


def claim_of(verdict):
    return Claim.objects.select_related("verdict", "claimant").get(pk=verdict.claim_id)
