"""`loadseeds` loads the seed checks' Ukrainian translations through the services: written by the
seed translator, published by the named reviewer where the check is published."""

import pytest
from django.core.management import call_command

from claims.models import Evidence
from tests.factories import UserFactory
from translations.models import ClaimTranslation, PublishedTranslation

pytestmark = pytest.mark.django_db


def test_loadseeds_publishes_the_ukrainian_translations_of_published_checks(client):
    reviewer = UserFactory(username="reviewer", group="Reviewers")
    call_command("loadseeds", reviewer="reviewer")
    statuses = dict(ClaimTranslation.objects.values_list("claim__slug", "status"))
    assert statuses == {
        "putin-pledges-immediate-ceasefire-if-kyiv-withdraws": "published",
        "kremlin-ready-to-negotiate-without-delay": "published",
        "putin-demands-kyiv-leave-four-regions-within-administrative-borders": "in_review",
        "putin-did-not-make-any-fresh-demands": "in_review",
    }
    for row in PublishedTranslation.objects.select_related("translator"):
        assert (row.translator.username, row.reviewer) == ("seed-translator", reviewer)
        evidence = Evidence.objects.filter(verdict__claim=row.claim).values_list("pk", flat=True)
        assert sorted(row.evidence_notes) == sorted(str(pk) for pk in evidence)
    body = client.get("/uk/claims/kremlin-ready-to-negotiate-without-delay/").content.decode()
    assert "«Кремль готовий розпочати переговори без зволікань»" in body
    assert "Готовність до переговорів «без зволікань» умовна" in body
    call_command("loadseeds", reviewer="reviewer")  # twice changes nothing
    assert ClaimTranslation.objects.count() == 4
    assert PublishedTranslation.objects.count() == 2


def test_without_a_reviewer_every_translation_stays_a_draft():
    call_command("loadseeds")
    assert set(ClaimTranslation.objects.values_list("status", flat=True)) == {"draft"}
    assert not PublishedTranslation.objects.exists()
