"""Translations in the admin: the services' refusals come back as form errors with the input kept,
the buttons are what the rule allows, and no list action publishes."""

import pytest

from tests.claims.test_admin import form_data
from tests.translations.conftest import UK, translate
from translations import services
from translations.models import ClaimTranslation, PublishedTranslation

pytestmark = pytest.mark.django_db


def change_url(translation):
    return f"/admin/translations/claimtranslation/{translation.pk}/change/"


def errors(response):
    return [e for field in response.context["adminform"].form.errors.values() for e in field]


def test_the_form_shows_the_original_and_a_field_per_evidence_note(client, checked, translator):
    translation = translate(checked.claim, by=translator)
    client.force_login(translator)
    response = client.get(change_url(translation))
    body = response.content.decode()
    note = checked.evidence.get()
    assert f'name="note_{note.pk}"' in body
    assert "<dt>Conclusion</dt><dd>The statement is not accurate.</dd>" in body
    assert '<input type="submit" name="_submit_review" value="Save and submit for review">' in body
    assert 'name="_publish"' not in body


def test_the_translator_publishing_their_own_translation_gets_a_form_error(client, checked, translator, reviewer):
    translator.groups.add(reviewer.groups.get())
    translation = translate(checked.claim, by=translator)
    services.translation_submit(translation=translation, by=translator)
    client.force_login(translator)
    data = form_data(client.get(change_url(translation)))
    response = client.post(change_url(translation), data | {"_publish": "x", "title": "Мій новий заголовок"})
    assert response.status_code == 200
    assert errors(response) == ["You translated this check: a second person must review and publish the translation."]
    assert 'value="Мій новий заголовок"' in response.content.decode()  # the input is kept
    assert not PublishedTranslation.objects.exists()
    translation.refresh_from_db()
    assert translation.title == UK["title"]  # the whole save was undone


def test_a_stale_form_is_refused_with_the_input_kept(client, checked, translator, editor):
    translation = translate(checked.claim, by=translator)
    client.force_login(editor)
    stale = form_data(client.get(change_url(translation)))
    translation.conclusion = "Висновок іншої людини."
    services.translation_save(translation=translation, by=translator, expected_version=translation.version)
    response = client.post(change_url(translation), stale | {"conclusion": "Мій висновок."})
    assert response.status_code == 200
    assert "changed this translation while you were editing it" in " ".join(errors(response))
    assert "Мій висновок." in response.content.decode()
    translation.refresh_from_db()
    assert translation.conclusion == "Висновок іншої людини."


def test_a_reviewer_publishes_from_the_form(client, checked, translator, reviewer):
    translation = translate(checked.claim, by=translator)
    services.translation_submit(translation=translation, by=translator)
    client.force_login(reviewer)
    page = client.get(change_url(translation))
    assert '<input type="submit" name="_publish" value="Save and publish">' in page.content.decode()
    response = client.post(change_url(translation), form_data(page) | {"_publish": "x"}, follow=True)
    assert [str(m) for m in response.context["messages"]][-1] == "Published: readers now see this translation."
    assert PublishedTranslation.objects.get().reviewer == reviewer


def test_a_reviewer_who_edits_while_publishing_hands_it_to_another(client, checked, translator, reviewer):
    translation = translate(checked.claim, by=translator)
    services.translation_submit(translation=translation, by=translator)
    client.force_login(reviewer)
    data = form_data(client.get(change_url(translation)))
    response = client.post(change_url(translation), data | {"_publish": "x", "conclusion": "Правка рецензента."})
    assert errors(response) == [
        "You changed this translation since it was last published: another reviewer must check and publish it."
    ]
    assert not PublishedTranslation.objects.exists()


def test_no_list_action_publishes(client, checked, translator, reviewer):
    translation = translate(checked.claim, by=translator)
    services.translation_submit(translation=translation, by=translator)
    client.force_login(reviewer)
    page = client.get("/admin/translations/claimtranslation/")
    actions = [value for value, _label in page.context["action_form"].fields["action"].choices]
    assert actions == ["", "submit_for_review", "return_to_draft"]
    response = client.post(
        "/admin/translations/claimtranslation/",
        {"action": "publish", "_selected_action": [translation.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert not PublishedTranslation.objects.exists()
    assert ClaimTranslation.objects.get().status == "in_review"


def test_the_published_rows_are_read_only(client, translated, reviewer):
    client.force_login(reviewer)
    row = PublishedTranslation.objects.get()
    response = client.post(f"/admin/translations/publishedtranslation/{row.pk}/change/", {"title": "Підміна"})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.title == UK["title"]
