"""The readers' "Suggest a claim to check" form (/tips/new/)."""

import re

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from claims.models import Verdict
from desk import services
from desk.models import Tip
from tests.factories import make_verdict

pytestmark = pytest.mark.django_db

URL = "/tips/new/"
VALID = {
    "text": "The mayor said the new bridge cost 40 million. It was on the news.",
    "where_seen": "Evening news on channel 4",
    "url": "https://news.example/bridge",
    "email": "reader@mail.example",
    "subject": "",
}


def _field_value(response, name):
    html = response.content.decode()
    if name == "text":
        return re.search(r'<textarea name="text"[^>]*>\n?(.*?)</textarea>', html, flags=re.S).group(1)
    return re.search(rf'<input type="[a-z]+" name="{name}" value="([^"]*)"', html).group(1)


def test_the_form_page_has_the_four_fields_a_hidden_honeypot_and_a_csrf_token(client):
    response = client.get(URL)
    assertContains(response, "<title>Suggest a claim to check — Factcheck Desk</title>")
    assertContains(response, '<form class="tip-form" action="/tips/new/" method="post" novalidate>')
    assertContains(response, 'name="csrfmiddlewaretoken"')
    assertContains(response, '<label for="id_text">The claim you want us to check</label>')
    assertContains(
        response,
        '<textarea name="text" cols="40" rows="6" maxlength="2000" required aria-describedby="id_text_helptext" '
        'id="id_text">\n</textarea>',
    )
    assertContains(response, '<label for="id_where_seen">Where did you see or hear it? (optional)</label>')
    assertContains(response, '<input type="url" name="url" maxlength="2000" aria-describedby="id_url_helptext"')
    assertContains(response, '<input type="email" name="email" maxlength="254" aria-describedby="id_email_helptext"')
    assertContains(
        response,
        '<div class="tip-form__trap" aria-hidden="true">\n      <label for="id_subject">Leave this field empty</label>\n'
        '      <input type="text" name="subject" tabindex="-1" autocomplete="off" id="id_subject">',
    )
    assertContains(response, '<button type="submit">Send the suggestion</button>')


def test_the_form_page_is_never_cached_and_keeps_the_strict_csp(client):
    response = client.get(URL)
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp
    html = response.content.decode()
    assert " style=" not in html and "<style" not in html
    assert re.findall(r"<script[^>]*>", html) == []
    # Nothing is loaded from elsewhere (the canonical and Open Graph addresses are the site's own).
    assert re.findall(r'(?:src="|rel="stylesheet" href=")(?:https?:)?//', html) == []


def test_a_tip_is_saved_and_the_reader_thanked(client):
    response = client.post(URL, VALID)
    assertRedirects(response, "/tips/thanks/")
    tip = Tip.objects.get()
    assert (tip.text, tip.where_seen, tip.url, tip.email, tip.status) == (
        VALID["text"],
        VALID["where_seen"],
        VALID["url"],
        VALID["email"],
        "new",
    )
    thanks = client.get("/tips/thanks/")
    assertContains(thanks, "<h1>Thank you for your suggestion</h1>")
    assertContains(thanks, '<meta name="robots" content="noindex">')
    assertNotContains(thanks, "bridge")


def test_only_the_claim_is_required(client):
    assertRedirects(client.post(URL, {"text": "Bridges cost less."}), "/tips/thanks/")
    assert Tip.objects.values_list("text", "where_seen", "url", "email").get() == ("Bridges cost less.", "", "", "")


def test_a_post_without_the_csrf_token_is_refused(db):
    response = Client(enforce_csrf_checks=True).post(URL, VALID)
    assert response.status_code == 403
    assert not Tip.objects.exists()


def test_a_filled_honeypot_is_thanked_but_dropped(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {**VALID, "subject": "Cheap watches"})
    assertRedirects(response, "/tips/thanks/")
    assert not Tip.objects.exists()
    assert mailoutbox == []


def test_an_empty_claim_gets_a_clear_message(client):
    response = client.post(URL, {**VALID, "text": "   "})
    assert response.status_code == 200
    assertContains(response, '<p class="field__error" id="id_text_error">Tell us the claim you want us to check.</p>')
    assertContains(response, '<a href="#id_text">The claim you want us to check</a>: Tell us the claim')
    assert _field_value(response, "where_seen") == VALID["where_seen"]
    assert not Tip.objects.exists()


def test_an_oversized_claim_gets_a_clear_message_and_is_kept(client):
    text = "Too long. " * 250
    response = client.post(URL, {**VALID, "text": text})
    assertContains(response, "Please shorten this to 2000 characters at most (it has 2499).")
    assert _field_value(response, "text") == text  # exactly as typed
    assert _field_value(response, "email") == VALID["email"]
    assert not Tip.objects.exists()


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://files.example/x", "data:text/html,<script>alert(1)</script>", "http://"]
)
def test_a_link_that_is_not_a_web_address_is_refused_and_kept(client, url):
    response = client.post(URL, {**VALID, "url": url})
    assertContains(response, "Enter a web address starting with https:// or http://.")
    assertContains(response, 'value="' + url.replace("<", "&lt;").replace(">", "&gt;") + '"')
    assertNotContains(response, "<script>alert")
    assert not Tip.objects.exists()


def test_a_bad_email_is_refused_and_kept(client):
    response = client.post(URL, {**VALID, "email": "not-an-address"})
    assertContains(response, "Enter an email address such as name@example.org, or leave it empty.")
    assert _field_value(response, "email") == "not-an-address"
    assert _field_value(response, "text") == VALID["text"]


def test_markup_in_a_tip_is_shown_back_escaped(client):
    response = client.post(URL, {**VALID, "text": "<script>alert(1)</script>" + "x" * 2000})
    assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
    assertNotContains(response, "<script>alert(1)")


def test_control_characters_are_stripped(client):
    client.post(URL, {**VALID, "text": "Bridge\x00 cost\x0b40\x1b million", "where_seen": "TV\x07"})
    assert Tip.objects.values_list("text", "where_seen").get() == ("Bridge cost\n40 million", "TV")


def test_a_link_without_a_scheme_is_taken_as_https(client):
    client.post(URL, {**VALID, "url": "news.example/bridge"})
    assert Tip.objects.values_list("url", flat=True).get() == "https://news.example/bridge"


def test_each_address_may_send_only_so_many_tips(client, settings):
    settings.TIPS_RATE = "2/hour"
    for _ in range(2):
        assertRedirects(client.post(URL, VALID), "/tips/thanks/")
    response = client.post(URL, {**VALID, "text": "A third one, kept for the reader."})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assertContains(response, "Too many suggestions from your connection", status_code=429)
    assertContains(response, "Please try again in", status_code=429)
    assert _field_value(response, "text") == "A third one, kept for the reader."
    assert Tip.objects.count() == 2
    other = Client(REMOTE_ADDR="192.0.2.77")
    assertRedirects(other.post(URL, VALID), "/tips/thanks/")
    assert Tip.objects.count() == 3


def test_robots_count_against_the_limit_too(client, settings):
    settings.TIPS_RATE = "1/hour"
    client.post(URL, {**VALID, "subject": "spam"})
    assert client.post(URL, VALID).status_code == 429
    assert not Tip.objects.exists()


def test_the_form_is_linked_from_every_page_footer_and_the_contact_page(client):
    for url in ("/", "/about/", "/contact/"):
        assertContains(client.get(url), '<li><a href="/tips/new/">Suggest a claim to check</a></li>')
    assertContains(
        client.get("/contact/"),
        '<strong>Want us to check a claim?</strong> <a href="/tips/new/">Suggest a claim to check</a>',
    )


def test_nothing_a_reader_sends_appears_on_a_public_page(client, editor, reviewer):
    published = make_verdict(slug="published-one", title="Published one", reviewer=reviewer)
    make_verdict(Verdict.Status.RETRACTED, slug="retracted-one", title="Retracted one", reviewer=reviewer)
    marker = "Zanzibarquux"
    client.post(
        URL,
        {
            "text": f"{marker} said the moon is cheese. Published one.",
            "where_seen": f"{marker} blog",
            "url": f"https://{marker.lower()}.example/post",
            "email": f"{marker.lower()}@mail.example",
        },
    )
    services.tip_convert(tip=Tip.objects.get(), by=editor)  # a draft: still nobody's to see
    urls = [
        "/",
        "/claims/",
        "/claims/published-one/",
        "/claims/retracted-one/",
        published.claim.claimant.get_absolute_url(),
        "/ratings/",
        "/corrections/",
        "/about/",
        "/contact/",
        "/tips/new/",
        "/tips/thanks/",
        "/feeds/verdicts.rss",
        "/feeds/verdicts.atom",
        "/feeds/corrections.rss",
        "/feeds/corrections.atom",
        "/sitemap.xml",
        "/sitemap-claims.xml",
        "/api/v1/claims/",
        "/api/v1/claim-reviews/",
        "/api/v1/claimants/",
        "/api/v1/sources/",
        "/api/v1/topics/",
        "/api/v1/match/?text=moon+cheese",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert marker.lower() not in response.content.decode().lower(), url
