"""Translations of the test cast's checks: a translator (an editor) and a second person."""

import pytest
from django.utils import translation

from claims.models import Evidence
from tests.factories import UserFactory, make_verdict
from translations import services
from translations.models import ClaimTranslation

UK = {
    "title": "Безробіття скоротилося вдвічі",
    "text": "Безробіття за рік скоротилося вдвічі.",
    "claim_reviewed": "",
    "conclusion": "Безробіття скоротилося на десяту частину, а не вдвічі.",
    "analysis": "**Дані** свідчать про інше.",
}


def translate(claim, *, by, language="uk", notes=None, **fields):
    """A complete draft translation of `claim` saved through the service as `by`."""
    evidence = Evidence.objects.filter(verdict__claim=claim).values_list("pk", flat=True)
    translation = ClaimTranslation(
        claim=claim,
        language=language,
        evidence_notes=notes if notes is not None else {str(pk): "Показує цифру." for pk in evidence},
        **{**UK, **fields},
    )
    return services.translation_save(translation=translation, by=by)


def publish(translation, *, translator, reviewer):
    services.translation_submit(translation=translation, by=translator)
    return services.translation_publish(translation=translation, by=reviewer, expected_version=translation.version)


@pytest.fixture(autouse=True)
def _default_language():
    # A request under /uk/ leaves Ukrainian active in the thread: each test starts in English.
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def translator(db):
    return UserFactory(username="tara-translator", group="Editors", first_name="Tara", last_name="Translator")


@pytest.fixture
def checked(db, reviewer):
    """A published English check."""
    return make_verdict(slug="unemployment", title="Unemployment halved", text="Unemployment halved in a year.")


@pytest.fixture
def translated(checked, translator, reviewer):
    """The check with a published Ukrainian translation."""
    translation = translate(checked.claim, by=translator)
    return publish(translation, translator=translator, reviewer=reviewer)
