"""The editor's screens in the admin: import three ways, read the ranked sentences with their
reasons, claimants and matches, take several at once as draft claims; refusals on the same page,
hostile input never rendered, a constant number of queries on the list."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from claims.models import Appearance, Claim
from intake import services
from intake.models import Intake, Sentence
from sources.models import Source
from tests.factories import ClaimantFactory
from tests.intake.conftest import HEADLINE, REPORT, SEED, page

pytestmark = pytest.mark.django_db
ADD = "/admin/intake/intake/add/"


def _screen(intake):
    return f"/admin/intake/intake/{intake.pk}/change/"


def _errors(response):
    return re.findall(r'<p class="errornote">(.*?)</p>', response.content.decode(), flags=re.S)


def test_the_add_page_offers_three_ways_in(editor_client):
    response = editor_client.get(ADD)
    assertContains(response, "<title>Import an article | Factcheck Desk admin</title>", html=False)
    assertContains(response, 'name="text"')
    assertContains(response, 'name="file"')
    assertContains(response, 'name="url"')
    assertContains(response, 'enctype="multipart/form-data"')
    assertContains(response, '<link href="/static/admin-extra/intake.css" media="all" rel="stylesheet">', html=True)
    assertNotContains(response, "style=")


def test_pasting_the_seed_leads_to_its_screen(editor_client, editor, seed_text):
    response = editor_client.post(ADD, {"text": seed_text})
    intake = Intake.objects.get()
    assertRedirects(response, _screen(intake))
    assert (intake.method, intake.created_by, intake.source.title) == ("paste", editor, HEADLINE)


def test_uploading_the_seed_file_reuses_the_pasted_source(editor_client, editor, seed_text):
    pasted = services.intake_from_text(text=seed_text, by=editor)
    upload = SimpleUploadedFile(SEED.name, SEED.read_bytes(), content_type="text/plain")
    response = editor_client.post(ADD, {"file": upload})
    uploaded = Intake.objects.exclude(pk=pasted.pk).get()
    assertRedirects(response, _screen(uploaded))
    assert (uploaded.method, uploaded.filename, uploaded.source) == ("upload", SEED.name, pasted.source)
    assertContains(editor_client.get(_screen(uploaded)), "imported before: the existing source")


def test_the_screen_shows_suggestions_first_with_reasons_claimant_and_matches(
    editor_client, editor, reviewer, seed_text
):
    call_command("loadseeds", "--reviewer", reviewer.username, verbosity=0)
    intake = services.intake_from_text(text=seed_text, by=editor)
    response = editor_client.get(_screen(intake))
    content = response.content.decode()
    suggestions = content[content.index("Suggested sentences") : content.index('<h2 class="intake-heading">The text')]
    quotes = re.findall(r'<span class="intake-quote">(.*?)</span>', suggestions)
    assert quotes == [REPORT[9], REPORT[10], REPORT[0], REPORT[4], REPORT[7], REPORT[5]]
    assertContains(response, '<span class="cw-score">84%</span>', html=True)
    assertContains(response, "<li><strong>a number or quantity</strong>: 700,000, 2022</li>", html=True)
    assertContains(
        response,
        "<li><strong>a quotation</strong>: “freezing”, “final resolution”, “ready to start negotiations without "
        "delay.”</li>",
        html=True,
    )
    putin = intake.sentences.get(position=10).claimant
    assert putin.slug == "vladimir-putin"
    assertContains(
        response,
        f'Likely claimant: <a href="/admin/claims/claimant/{putin.pk}/change/">Vladimir Putin</a>',
    )
    assertContains(response, "(credited to Russian President Vladimir Putin)")
    assertContains(response, "The text credits nobody: the report's own statement.")
    ready = Claim.objects.get(slug="kremlin-ready-to-negotiate-without-delay")
    assertContains(
        response,
        f'<a href="/admin/claims/claim/{ready.pk}/change/">{ready.title}</a> <span class="intake-tag">Published</span>',
        html=True,
    )
    # The reading view: every sentence highlighted by its band, the suggested ones outlined.
    assert content.count('class="cw cw-') == 11
    assertContains(response, 'class="cw cw-4 cw-suggested"')
    assertNotContains(response, "style=")


def test_several_sentences_become_draft_claims_at_once(editor_client, editor, seed_text):
    putin = ClaimantFactory(name="Vladimir Putin", slug="vladimir-putin")
    intake = services.intake_from_text(text=seed_text, by=editor)
    picked = intake.sentences.filter(position__in=[1, 8, 10]).order_by("position")
    response = editor_client.post(
        _screen(intake),
        {"sentences": [s.pk for s in picked] + [picked[0].pk], "seen_on": "2024-06-14"},
        follow=True,
    )
    assertRedirects(response, _screen(intake))
    claims = list(Claim.objects.order_by("pk"))
    assert [(c.text, c.claimant, c.made_on, c.kind) for c in claims] == [
        (REPORT[0], putin, datetime.date(2024, 6, 14), "pledge"),
        (REPORT[7], None, datetime.date(2024, 6, 14), "statement"),
        (REPORT[9], putin, datetime.date(2024, 6, 14), "statement"),
    ]
    assert Appearance.objects.filter(source=intake.source, seen_on=datetime.date(2024, 6, 14)).count() == 3
    message = [str(m) for m in response.context["messages"]][0]
    assert message.startswith(f"3 draft claims made: “<a href='/admin/claims/claim/{claims[0].pk}/change/'>")
    assertContains(response, f'Made into the draft claim <a href="/admin/claims/claim/{claims[0].pk}/change/">')


def test_the_article_date_is_needed_and_the_form_keeps_the_ticks(editor_client, editor, seed_text):
    intake = services.intake_from_text(text=seed_text, by=editor)
    sentence = intake.sentences.get(position=5)
    response = editor_client.post(_screen(intake), {"sentences": [sentence.pk], "seen_on": ""})
    assert response.status_code == 200
    assertContains(response, "Give the article&#x27;s date: the claims&#x27; appearances need it.")
    assertContains(response, f'<input type="checkbox" name="sentences" value="{sentence.pk}" checked>', html=False)
    assert Claim.objects.count() == 0


def test_nothing_ticked_is_said_so(editor_client, editor, seed_text):
    intake = services.intake_from_text(text=seed_text, by=editor)
    response = editor_client.post(_screen(intake), {"seen_on": "2024-06-14"})
    assert _errors(response) == ["Select at least one sentence."]


def test_a_sentence_already_taken_is_refused_on_the_same_page(editor_client, editor, seed_text):
    intake = services.intake_from_text(text=seed_text, by=editor)
    sentence = intake.sentences.get(position=5)
    services.sentences_convert(intake=intake, sentences=[sentence], seen_on=datetime.date(2024, 6, 14), by=editor)
    response = editor_client.post(_screen(intake), {"sentences": [sentence.pk], "seen_on": "2024-06-14"})
    assert response.status_code == 200
    assert _errors(response) == [f"Select a valid choice. {sentence.pk} is not one of the available choices."]
    assert Claim.objects.count() == 1


def test_the_screen_of_a_queued_and_of_a_failed_fetch(editor_client, editor):
    queued = services.intake_from_url(url="https://news.example/story", by=editor)
    assertContains(editor_client.get(_screen(queued)), "Waiting for https://news.example/story to be fetched.")
    Intake.objects.filter(pk=queued.pk).update(status="failed", error="The page answered HTTP 404, not the article.")
    response = editor_client.get(_screen(queued))
    assert _errors(response) == ["The page answered HTTP 404, not the article."]


def test_a_url_import_through_the_admin(editor_client, news_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(ADD, {"url": f"{news_server}/news/bus-fares"})
    intake = Intake.objects.get()
    assertRedirects(response, _screen(intake))
    response = editor_client.get(_screen(intake))
    assertContains(response, "Council says bus fares will fall by 10 percent next year")
    assertContains(response, "<dt>Publisher</dt><dd>The Riverside Courier</dd>", html=True)
    assertContains(response, f'value="{datetime.date(2024, 3, 7).isoformat()}"')


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Paste a text, upload a file or give an address: one of the three."),
        (
            {"text": "x", "url": "https://a.example/"},
            "Paste a text, upload a file or give an address: one of the three.",
        ),
        ({"text": "   "}, "Paste a text, upload a file or give an address: one of the three."),
        (
            {"text": "Leave a Reply\n\nExit mobile version"},
            "No article text was found: the page or file is empty, or holds only navigation and boilerplate.",
        ),
        (
            {"file": ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(2000), "image/jpeg")},
            "This is not text or a web page (it looks like binary data, such as an image, a PDF or an archive).",
        ),
        (
            {"text": "Title\n\n" + "Word after word. " * 11_000},
            "This text has 33,000 words; an article can have at most 20,000. Import the part that matters, or split it.",
        ),
    ],
    ids=["nothing", "two", "blank", "boilerplate", "binary", "huge-text"],
)
def test_hostile_or_empty_input_is_refused_on_the_same_page(editor_client, data, message):
    if "file" in data:
        name, content, content_type = data["file"]
        data = {"file": SimpleUploadedFile(name, content, content_type=content_type)}
    response = editor_client.post(ADD, data)
    assert response.status_code == 200
    assert _errors(response) == [message.replace("'", "&#x27;")]
    assert (Intake.objects.count(), Source.objects.count(), Sentence.objects.count()) == (0, 0, 0)
    if "text" in data:  # what was typed is still in the form
        assert f'id="id_text">\n{escape(data["text"][:60])}' in response.content.decode()


def test_an_empty_file_is_refused_on_the_page(editor_client):
    response = editor_client.post(ADD, {"file": SimpleUploadedFile("empty.html", b"", content_type="text/html")})
    assertContains(response, '<ul class="errorlist" id="id_file_error"><li>The submitted file is empty.</li></ul>')
    assert Intake.objects.count() == 0


def test_a_file_over_the_intake_limit_is_refused_on_the_page(editor_client, settings):
    settings.INTAKE_MAX_BYTES = 50_000
    response = editor_client.post(ADD, {"file": SimpleUploadedFile("big.txt", b"word " * 20_000)})
    assertContains(response, "This file is 97 KB; the most that is imported is 48 KB.")
    assert Intake.objects.count() == 0


def test_a_request_over_the_site_limit_gets_the_413_page(editor_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    response = editor_client.post(ADD, {"file": SimpleUploadedFile("huge.txt", b"word " * 40_000)})
    assert response.status_code == 413
    assert Intake.objects.count() == 0


def test_scripts_and_iframes_in_an_imported_page_are_never_rendered(editor_client, editor):
    upload = SimpleUploadedFile("hostile.html", page("hostile.html"), content_type="text/html")
    response = editor_client.post(ADD, {"file": upload}, follow=True)
    content = response.content.decode()
    assert response.status_code == 200
    for raw in ["<script>alert", "onerror=", "onclick=", "onload=", "<iframe", "javascript:", "<object", "<embed"]:
        assert raw not in content, raw
    # The one script tag that was text in the article is shown, escaped.
    assertContains(response, "The text &lt;script&gt;alert(&quot;escaped&quot;)&lt;/script&gt; appears literally")


def test_another_language_is_imported_with_a_note(editor_client):
    upload = SimpleUploadedFile("berlin.html", page("berlin-haushalt.html"), content_type="text/html")
    response = editor_client.post(ADD, {"file": upload}, follow=True)
    assertContains(
        response,
        '<p class="intake-note">The text is in German. Check-worthiness is scored for English only, so no sentences '
        "are suggested; the text is saved as a source.</p>",
        html=True,
    )
    assertNotContains(response, "Suggested sentences</h2>\n    <ol")


def test_a_reader_cannot_open_the_intake(client, reader):
    client.force_login(reader)
    assert client.get(ADD).status_code == 302  # to the admin's login: not staff


def test_a_reviewer_sees_an_editors_intake_and_unknown_ids_are_404(reviewer_client, editor, seed_text):
    intake = services.intake_from_text(text=seed_text, by=editor)
    assertContains(reviewer_client.get(_screen(intake)), HEADLINE)
    for bad in ["999999", "abc", "1.5"]:
        assert reviewer_client.get(f"/admin/intake/intake/{bad}/change/").status_code == 404


@pytest.mark.parametrize("rows", [1, 20])
def test_the_intake_list_runs_a_constant_number_of_queries(
    editor_client, editor, seed_text, django_assert_num_queries, rows
):
    for n in range(rows):
        services.intake_from_text(text=f"{seed_text}\n\nCorrection {n}: an earlier version misspelt a name.", by=editor)
    services.intake_from_url(url="https://news.example/waiting", by=editor)
    ContentType.objects.clear_cache()
    with django_assert_num_queries(9):
        response = editor_client.get("/admin/intake/intake/")
    assertContains(response, HEADLINE, count=rows)
    assertContains(response, "https://news.example/waiting")
    assertContains(response, f"{rows + 1} article intakes")
