"""Tip triage and notification settings in the admin."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from claims.models import Claim, Verdict
from desk import services
from desk.models import NotificationPreference, Tip
from tests.factories import ClaimFactory, make_verdict

pytestmark = pytest.mark.django_db

LIST = "/admin/desk/tip/"


def _tip(text="The mayor said the bridge cost 40 million.", **fields):
    return services.tip_submit(text=text, **fields)


def _rows(response):
    return re.findall(
        r'<th class="field-excerpt"><a href="/admin/desk/tip/(\d+)/change/[^"]*">([^<]*)</a>', response.content.decode()
    )


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- The list -------------------------------------------------------------------------------------


def test_the_list_shows_new_tips_newest_first(editor_client, reviewer):
    older = _tip("Older claim.")
    newer = _tip("Newer claim.", url="https://news.example/x")
    handled = _tip("Handled claim.")
    services.tip_dismiss(tip=handled, reason="Spam.", by=reviewer)
    response = editor_client.get(LIST)
    assert _rows(response) == [(str(newer.pk), "Newer claim."), (str(older.pk), "Older claim.")]
    assertContains(response, "2 reader tips")
    assertContains(response, '<li class="selected">\n    <a href="?status=new">New</a></li>', html=False)


def test_the_status_filter_shows_handled_and_all_tips(editor_client, reviewer):
    new = _tip("New claim.")
    handled = _tip("Handled claim.")
    services.tip_dismiss(tip=handled, reason="Spam.", by=reviewer)
    assert _rows(editor_client.get(LIST + "?status=dismissed")) == [(str(handled.pk), "Handled claim.")]
    assert _rows(editor_client.get(LIST + "?status=converted")) == []
    assert _rows(editor_client.get(LIST + "?status=all")) == [
        (str(handled.pk), "Handled claim."),
        (str(new.pk), "New claim."),
    ]


@pytest.mark.parametrize("size", [1, 20])
def test_the_list_query_count_does_not_grow_with_tips(client, editor, reviewer, django_assert_num_queries, size):
    for n in range(size):
        tip = _tip(f"Claim number {n}.", where_seen="TV")
        if n % 2:
            services.tip_dismiss(tip=tip, reason="Spam.", by=reviewer)
            Tip.objects.filter(pk=tip.pk).update(status="new")  # new again, with a handler to show
    client.force_login(editor)
    ContentType.objects.clear_cache()
    with django_assert_num_queries(7):
        response = client.get(LIST)
    assert len(_rows(response)) == size


def test_readers_and_anonymous_cannot_see_tips(client, reader):
    _tip()
    assertRedirects(client.get(LIST), f"/admin/login/?next={LIST}")
    client.force_login(reader)
    assertRedirects(client.get(LIST), f"/admin/login/?next={LIST}")


def test_tips_cannot_be_added_or_edited_in_the_admin(reviewer_client):
    tip = _tip()
    assert reviewer_client.get("/admin/desk/tip/add/").status_code == 403
    response = reviewer_client.post(f"/admin/desk/tip/{tip.pk}/change/", {"text": "Rewritten."})
    assert response.status_code == 403
    assert Tip.objects.get().text == "The mayor said the bridge cost 40 million."


# --- A tip's page ---------------------------------------------------------------------------------


def test_a_tips_page_shows_what_the_reader_sent_and_the_triage_buttons(editor_client):
    tip = _tip(where_seen="Evening news", url="https://news.example/bridge", email="reader@mail.example")
    response = editor_client.get(f"/admin/desk/tip/{tip.pk}/change/")
    assertContains(response, "The mayor said the bridge cost 40 million.")
    assertContains(response, "Evening news")
    assertContains(
        response,
        '<a href="https://news.example/bridge" rel="noreferrer noopener nofollow" target="_blank">'
        "https://news.example/bridge</a>",
    )
    assertContains(response, "reader@mail.example")
    assertContains(
        response,
        f'<form method="post" action="/admin/desk/tip/{tip.pk}/convert/">',
    )
    assertContains(response, '<input type="submit" class="default" value="Turn into a draft claim">')
    assertContains(response, f'<form method="get" action="/admin/desk/tip/{tip.pk}/dismiss/">')
    assertContains(response, '<input type="submit" value="Dismiss…">')
    assertNotContains(response, "Handled by")
    assertNotContains(response, 'name="_save"')
    assertNotContains(response, " style=")


def test_a_tips_page_lists_matching_fact_checks_published_and_not(editor_client, reviewer):
    make_verdict(slug="bridge-cost", title="The new bridge cost 40 million", reviewer=reviewer)
    draft = ClaimFactory(slug="bridge-draft", title="Mayor bridge cost 40 million claim")
    ClaimFactory(slug="unrelated", title="Unemployment fell in March")
    published = Claim.objects.get(slug="bridge-cost")
    tip = _tip("The mayor said the bridge cost 40 million.")
    response = editor_client.get(f"/admin/desk/tip/{tip.pk}/change/")
    html = response.content.decode()
    rows = re.findall(
        r'<tr>\s*<td><a href="/admin/claims/claim/(\d+)/change/">([^<]*)</a></td>\s*<td>([^<]*)</td>\s*'
        r"<td>\d+%</td>\s*<td>(.*?)</td>",
        html,
        flags=re.S,
    )
    assert sorted(rows) == sorted(
        [
            (
                str(published.pk),
                "The new bridge cost 40 million",
                "Published",
                '<a href="/claims/bridge-cost/">http://127.0.0.1:8000/claims/bridge-cost/</a>',
            ),
            (str(draft.pk), "Mayor bridge cost 40 million claim", "No verdict yet", "—"),
        ]
    )


def test_a_tip_without_matches_says_so(editor_client):
    tip = _tip("Penguins voted in the election.")
    response = editor_client.get(f"/admin/desk/tip/{tip.pk}/change/")
    assertContains(response, "No fact-check on record matches it, published or not.")


def test_a_bad_tip_id_is_404(editor_client):
    for url in ("/admin/desk/tip/x/change/", "/admin/desk/tip/999/change/", "/admin/desk/tip/999/dismiss/"):
        assert editor_client.get(url).status_code == 404, url
    assert editor_client.post("/admin/desk/tip/abc/convert/").status_code == 404


# --- Turning a tip into a claim -------------------------------------------------------------------


def test_turn_into_a_draft_claim_opens_the_new_claim(editor_client, editor):
    tip = _tip(url="https://news.example/bridge", where_seen="Evening news")
    response = editor_client.post(f"/admin/desk/tip/{tip.pk}/convert/", follow=True)
    claim = Claim.objects.get()
    assertRedirects(response, f"/admin/claims/claim/{claim.pk}/change/")
    assert _messages(response) == ["A draft claim was made from the tip. Check it, then write its verdict."]
    assert (claim.title, claim.unattributed, claim.created_by) == (
        "The mayor said the bridge cost 40 million",
        True,
        editor,
    )
    assert list(claim.appearances.values_list("source__url", "quote")) == [
        ("https://news.example/bridge", "The mayor said the bridge cost 40 million.")
    ]
    tip.refresh_from_db()
    assert (tip.status, tip.claim) == ("converted", claim)
    page = editor_client.get(f"/admin/desk/tip/{tip.pk}/change/")
    assertContains(page, f'<a href="/admin/claims/claim/{claim.pk}/change/">Open the claim made from it</a>')
    assertNotContains(page, "Turn into a draft claim")


def test_converting_a_handled_tip_is_refused_with_a_message(editor_client, reviewer):
    tip = _tip()
    services.tip_dismiss(tip=tip, reason="Spam.", by=reviewer)
    response = editor_client.post(f"/admin/desk/tip/{tip.pk}/convert/", follow=True)
    assertRedirects(response, f"/admin/desk/tip/{tip.pk}/change/")
    assert _messages(response) == ["This tip was already handled (Dismissed, by rafael-reviewer)."]
    assert not Claim.objects.exists()


def test_convert_is_a_post(editor_client):
    tip = _tip()
    assert editor_client.get(f"/admin/desk/tip/{tip.pk}/convert/").status_code == 405
    assert not Claim.objects.exists()


# --- Dismissing -----------------------------------------------------------------------------------


def test_dismiss_asks_for_a_reason(reviewer_client, reviewer):
    tip = _tip()
    url = f"/admin/desk/tip/{tip.pk}/dismiss/"
    page = reviewer_client.get(url)
    assertContains(page, "<h1>Dismiss a reader tip</h1>")
    assertContains(page, '<textarea name="reason"')
    refused = reviewer_client.post(url, {"reason": "   "})
    assert refused.status_code == 200
    assertContains(refused, "Say why the tip is dismissed (e.g. already checked, not a claim, spam).")
    assert Tip.objects.get().status == "new"
    response = reviewer_client.post(url, {"reason": "Already checked."}, follow=True)
    assertRedirects(response, LIST)
    assert _messages(response) == ["The tip was dismissed."]
    assert Tip.objects.values_list("status", "dismiss_reason", "handled_by").get() == (
        "dismissed",
        "Already checked.",
        reviewer.pk,
    )


def test_a_dismissal_refused_by_the_service_keeps_the_reason_typed(reviewer_client, editor):
    tip = _tip()
    services.tip_convert(tip=tip, by=editor)
    response = reviewer_client.post(f"/admin/desk/tip/{tip.pk}/dismiss/", {"reason": "My careful reason."})
    assertContains(response, "This tip was already handled (Turned into a claim, by erin-editor).")
    assertContains(response, "My careful reason.</textarea>")


def test_bulk_dismiss_asks_for_one_reason_then_dismisses_each(reviewer_client, reviewer):
    first, second, kept = _tip("First."), _tip("Second."), _tip("Kept.")
    selected = {"action": "dismiss_selected", "_selected_action": [first.pk, second.pk], "index": 0}
    page = reviewer_client.post(LIST, selected)
    assertContains(page, "These 2 tips will be dismissed:")
    assertContains(page, f'<input type="hidden" name="_selected_action" value="{first.pk}">')
    confirm = {"action": "dismiss_selected", "_selected_action": [first.pk, second.pk], "reason": "Spam wave."}
    response = reviewer_client.post(LIST, confirm, follow=True)
    assertRedirects(response, LIST)
    assert _messages(response) == ["2 tips were dismissed."]
    assert dict(Tip.objects.values_list("text", "status")) == {
        "First.": "dismissed",
        "Second.": "dismissed",
        "Kept.": "new",
    }
    assert set(Tip.objects.filter(status="dismissed").values_list("dismiss_reason", flat=True)) == {"Spam wave."}
    assert kept.status == "new"


def test_bulk_dismiss_without_a_reason_dismisses_nothing(reviewer_client):
    tip = _tip()
    response = reviewer_client.post(LIST, {"action": "dismiss_selected", "_selected_action": [tip.pk], "reason": ""})
    assertContains(response, "Say why the tip is dismissed")
    assert Tip.objects.get().status == "new"


# --- Notification settings ------------------------------------------------------------------------

SETTINGS = "/admin/desk/notificationpreference/"


def test_every_staff_page_links_to_the_notification_settings(editor_client):
    for url in ("/admin/", LIST, "/admin/claims/claim/"):
        assertContains(editor_client.get(url), f'<a href="{SETTINGS}">Notification settings</a> /')


def test_the_settings_page_shows_every_kind_on_by_default(editor_client, editor):
    response = editor_client.get(SETTINGS)
    assertContains(response, "<h1>Notification settings</h1>")
    for name in ("assigned", "submitted", "returned", "published", "tip"):
        assertContains(response, f'<input type="checkbox" name="{name}" id="id_{name}" checked>')
    assert not NotificationPreference.objects.exists()


def test_unticking_a_kind_saves_the_persons_own_settings(editor_client, editor, reviewer):
    response = editor_client.post(SETTINGS, {"assigned": "on", "submitted": "on", "published": "on"}, follow=True)
    assertRedirects(response, SETTINGS)
    assert _messages(response) == ["Your notification settings were saved."]
    assert list(NotificationPreference.objects.values_list("user", "assigned", "returned", "tip")) == [
        (editor.pk, True, False, False)
    ]
    assertContains(response, '<input type="checkbox" name="returned" id="id_returned">')


def test_the_settings_page_is_for_staff_only(client, reader):
    client.force_login(reader)
    assertRedirects(client.get(SETTINGS), f"/admin/login/?next={SETTINGS}")
    assert not NotificationPreference.objects.exists()


def test_there_is_no_page_of_anyone_elses_settings(editor_client, reviewer):
    other = services.notification_settings_save(user=reviewer, tip=False)
    assert editor_client.get(f"{SETTINGS}{other.pk}/change/").status_code == 404


def test_verdict_workflow_still_renders_with_the_user_tools_link(reviewer_client, reviewer):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    response = reviewer_client.get(f"/admin/claims/verdict/{verdict.pk}/change/")
    assertContains(response, f'<a href="{SETTINGS}">Notification settings</a> /')
