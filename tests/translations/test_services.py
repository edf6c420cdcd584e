"""The translations' two-person rule, attacked from every side the services offer."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import override

from claims.models import ContentVersion, Verdict
from claims.services import EditConflict, WorkflowError, content_version_current
from tests.factories import UserFactory, make_verdict
from tests.translations.conftest import UK, translate
from translations import services
from translations.models import ClaimTranslation, PublishedTranslation

pytestmark = pytest.mark.django_db


def published_row(claim):
    return PublishedTranslation.objects.filter(claim=claim).values_list("language", "title", "conclusion").first()


def test_a_second_person_publishes_a_translation_and_readers_get_its_words(checked, translator, reviewer):
    translation = translate(checked.claim, by=translator)
    services.translation_submit(translation=translation, by=translator)
    services.translation_publish(translation=translation, by=reviewer, expected_version=translation.version)
    assert published_row(checked.claim) == ("uk", UK["title"], UK["conclusion"])
    row = PublishedTranslation.objects.get(claim=checked.claim)
    assert (row.translator, row.reviewer, row.number) == (translator, reviewer, 1)
    assert row.search_text == f"{UK['title']} {UK['text']} {UK['conclusion']}".lower()
    translation.refresh_from_db()
    assert translation.status == ClaimTranslation.Status.PUBLISHED
    assert list(translation.changers.all()) == []


def test_translator_cannot_publish_their_own_translation(checked, translator, reviewer):
    translator.groups.add(reviewer.groups.get())  # even as a reviewer
    translation = translate(checked.claim, by=translator)
    services.translation_submit(translation=translation, by=translator)
    with pytest.raises(WorkflowError, match="You translated this check: a second person must review"):
        services.translation_publish(translation=translation, by=translator, expected_version=translation.version)
    assert not PublishedTranslation.objects.exists()


def test_a_reviewer_who_changed_the_translation_cannot_publish_it(checked, translator, reviewer):
    translation = translate(checked.claim, by=translator)
    translation.title = "Безробіття впало вдвічі"
    services.translation_save(translation=translation, by=reviewer, expected_version=translation.version)
    services.translation_submit(translation=translation, by=translator)
    with pytest.raises(WorkflowError, match="You changed this translation since it was last published"):
        services.translation_publish(translation=translation, by=reviewer, expected_version=translation.version)
    other = UserFactory(username="second-reviewer", group="Reviewers")
    services.translation_publish(translation=translation, by=other, expected_version=translation.version)
    assert published_row(checked.claim) == ("uk", "Безробіття впало вдвічі", UK["conclusion"])


def test_an_editor_cannot_publish(checked, translator, editor):
    translation = translate(checked.claim, by=translator)
    services.translation_submit(translation=translation, by=translator)
    with pytest.raises(WorkflowError, match="Only a reviewer can publish a translation."):
        services.translation_publish(translation=translation, by=editor, expected_version=translation.version)


def test_a_reader_cannot_write_a_translation(checked, reader):
    with pytest.raises(PermissionDenied):
        translate(checked.claim, by=reader)
    assert not ClaimTranslation.objects.exists()


def test_the_translation_of_an_unpublished_check_cannot_be_published(translator, reviewer):
    verdict = make_verdict(Verdict.Status.IN_REVIEW, slug="waiting")
    translation = translate(verdict.claim, by=translator)
    services.translation_submit(translation=translation, by=translator)
    with pytest.raises(WorkflowError, match="The check itself is not published: publish it before its translation."):
        services.translation_publish(translation=translation, by=reviewer, expected_version=translation.version)
    assert not PublishedTranslation.objects.exists()


def test_a_retracted_check_takes_no_new_translation(checked, translator, reviewer):
    from claims.services import verdict_retract

    translation = translate(checked.claim, by=translator)
    services.translation_submit(translation=translation, by=translator)
    verdict_retract(verdict=checked, note="The source was forged.", by=reviewer)
    with pytest.raises(WorkflowError, match="The check itself is not published"):
        services.translation_publish(translation=translation, by=reviewer, expected_version=translation.version)


def test_a_stale_copy_is_refused_when_saving_and_when_publishing(checked, translator, editor, reviewer):
    translation = translate(checked.claim, by=translator)
    loaded = translation.version
    mine = ClaimTranslation.objects.get(pk=translation.pk)
    translation.conclusion = "Інший висновок."
    services.translation_save(translation=translation, by=editor, expected_version=loaded)
    mine.title = "Мій заголовок"
    with pytest.raises(EditConflict, match="changed this translation while you were editing it"):
        services.translation_save(translation=mine, by=translator, expected_version=loaded)
    services.translation_submit(translation=translation, by=editor)
    # The reviewer's page showed the version before the change: what they reviewed is not current.
    with pytest.raises(EditConflict):
        services.translation_publish(translation=translation, by=reviewer, expected_version=loaded)
    with pytest.raises(WorkflowError, match="Say which version you reviewed"):
        services.translation_publish(translation=translation, by=reviewer, expected_version=None)
    assert not PublishedTranslation.objects.exists()


def test_editing_a_published_translation_keeps_readers_on_the_published_words(translated, checked, reviewer):
    # The reviewer who published it corrects it: another reviewer must publish the correction.
    translation = ClaimTranslation.objects.get(claim=checked.claim)
    translation.conclusion = "Неперевірена правка."
    services.translation_save(translation=translation, by=reviewer, expected_version=translation.version)
    translation.refresh_from_db()
    assert translation.status == ClaimTranslation.Status.DRAFT
    assert published_row(checked.claim) == ("uk", UK["title"], UK["conclusion"])
    services.translation_submit(translation=translation, by=reviewer)
    with pytest.raises(WorkflowError, match="You changed this translation"):
        services.translation_publish(translation=translation, by=reviewer, expected_version=translation.version)
    second = UserFactory(username="second-reviewer", group="Reviewers")
    services.translation_publish(translation=translation, by=second, expected_version=translation.version)
    assert published_row(checked.claim) == ("uk", UK["title"], "Неперевірена правка.")
    assert PublishedTranslation.objects.get(claim=checked.claim).number == 2


def test_a_save_that_changes_nothing_leaves_the_version_to_publish(translated, checked, reviewer):
    translation = ClaimTranslation.objects.get(claim=checked.claim)
    before = translation.version
    services.translation_save(translation=translation, by=reviewer, expected_version=before)
    translation.refresh_from_db()
    assert (translation.version, list(translation.changers.all())) == (before, [])


def test_an_incomplete_translation_cannot_go_to_review(checked, translator):
    translation = translate(checked.claim, by=translator, notes={}, analysis="")
    with pytest.raises(WorkflowError) as refused:
        services.translation_submit(translation=translation, by=translator)
    assert refused.value.messages == [
        "It cannot go to review yet:",
        "the analysis needs translating",
        "every evidence note needs translating",
    ]


def test_a_translation_into_the_checks_own_language_is_refused(checked, translator):
    with pytest.raises(WorkflowError) as refused:
        translate(checked.claim, by=translator, language="en")
    assert refused.value.message_dict == {"language": ["The check is written in this language: choose another one."]}


def test_a_language_the_site_does_not_serve_is_refused(checked, translator):
    with pytest.raises(ValidationError) as refused:
        translate(checked.claim, by=translator, language="fr")
    with override("en"):
        assert refused.value.message_dict == {"language": ["Value 'fr' is not a valid choice."]}
    assert not ClaimTranslation.objects.exists()


def test_one_translation_per_language(translated, checked, editor):
    with pytest.raises(Exception, match="This check already has a translation into this language."):
        translate(checked.claim, by=editor)


def test_notes_for_evidence_of_another_check_are_refused(checked, translator):
    with pytest.raises(WorkflowError, match="No evidence of this check has the id 999999."):
        translate(checked.claim, by=translator, notes={"999999": "Чужа примітка."})


def test_publishing_raises_the_content_version_once(checked, translator, reviewer):
    translation = translate(checked.claim, by=translator)
    services.translation_submit(translation=translation, by=translator)
    before = content_version_current()
    services.translation_publish(translation=translation, by=reviewer, expected_version=translation.version)
    assert ContentVersion.objects.get(pk=1).number == before + 1


def test_allowed_actions_name_the_reason(checked, translator, reviewer):
    translation = translate(checked.claim, by=translator)
    assert services.allowed_actions(translation, translator) == {
        "submit": None,
        "return_to_draft": "Only a translation in review can be sent back to draft.",
        "publish": "Only a reviewer can publish a translation.",
    }
    services.translation_submit(translation=translation, by=translator)
    assert services.allowed_actions(translation, reviewer) == {
        "submit": "Only a draft translation can be submitted for review.",
        "return_to_draft": None,
        "publish": None,
    }
