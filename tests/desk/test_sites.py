"""The desk: the admin's front page for editors and reviewers (desk/sites.py, desk/selectors.py). Each
section lists exactly its claims with links, counts them, and the page costs the same queries
however many claims there are; the list of apps stays reachable."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import dateformat, timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects, assertTemplateUsed

from claims.models import Claim, PendingChange, Verdict
from claims.services import can_publish
from desk import services
from desk.models import Tip
from tests.factories import ClaimFactory, UserFactory, VerdictFactory

pytestmark = pytest.mark.django_db


def _ago(**delta):
    return (timezone.now() - datetime.timedelta(**delta)).replace(microsecond=0)


def _in(**delta):
    return (timezone.now() + datetime.timedelta(**delta)).replace(microsecond=0)


def _verdict(title, status, author, **fields):
    return VerdictFactory(claim=ClaimFactory(title=title), status=status, author=author, **fields)


def _untouched(verdict, days):
    at = _ago(days=days)
    Claim.objects.filter(pk=verdict.claim_id).update(updated_at=at)
    Verdict.objects.filter(pk=verdict.pk).update(updated_at=at)


@pytest.fixture
def colleague(db):
    return UserFactory(username="sofia-reviewer", first_name="Sofia", group="Reviewers")


def _row(panel, title):
    """The <li> of the row titled `title` in a panel's HTML."""
    match = re.search(rf'<li class="desk-row">(?:(?!</li>).)*?>{re.escape(title)}</a>.*?</li>', panel, flags=re.S)
    assert match, title
    return match.group(0)


def _panel(response, key):
    html = response.content.decode()
    match = re.search(rf'<section class="desk-section desk-section--{key}".*?</section>', html, flags=re.S)
    assert match, key
    return match.group(0)


# --- The front page ---------------------------------------------------------------------------------


def test_the_desk_is_the_front_page_with_the_apps_in_the_sidebar(editor_client):
    response = editor_client.get("/admin/")
    assertTemplateUsed(response, "admin/desk/index.html")
    assertContains(response, "<title>Desk | Factcheck Desk admin</title>", html=True)
    assertContains(response, '<a class="desk-head__all" href="/admin/apps/">All records</a>', html=True)
    assertContains(response, '<nav class="sticky" id="nav-sidebar" aria-label="Sidebar">')
    assertContains(response, '<a href="/admin/claims/claim/">Claims</a>', html=True)
    assertContains(response, '<link rel="stylesheet" href="/static/desk/desk.css">', html=True)


def test_every_app_and_model_is_listed_at_admin_apps(editor_client):
    response = editor_client.get("/admin/apps/")
    assertTemplateUsed(response, "admin/index.html")
    assertContains(response, "<h1>All records</h1>", html=True)
    assertContains(response, '<a href="/admin/claims/verdict/">Verdicts</a>', html=True)
    assertContains(response, '<a href="/admin/sources/source/">Sources</a>', html=True)


def test_staff_who_do_not_work_on_claims_get_the_list_of_apps(client):
    client.force_login(UserFactory(username="accounts-only", is_staff=True))
    response = client.get("/admin/")
    assertTemplateUsed(response, "admin/index.html")
    assertNotContains(response, "desk-section")


def test_anonymous_is_sent_to_the_login(client):
    assertRedirects(client.get("/admin/"), "/admin/login/?next=/admin/", fetch_redirect_response=False)


def test_the_desk_has_no_inline_style_or_script(reviewer_client, editor, colleague):
    _verdict("In review", Verdict.Status.IN_REVIEW, editor, submitted_at=_ago(hours=1))
    html = reviewer_client.get("/admin/").content.decode()
    assert "style=" not in html
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))


# --- Each section -----------------------------------------------------------------------------------


def test_waiting_for_my_review_lists_what_i_may_publish(reviewer_client, reviewer, editor, colleague):
    waiting = _verdict("Bread prices doubled", Verdict.Status.IN_REVIEW, editor, submitted_at=_ago(hours=2))
    services.assignment_set(claim=waiting.claim, editor=editor, reviewer=reviewer, by=editor)
    _verdict("I wrote this", Verdict.Status.IN_REVIEW, reviewer, submitted_at=_ago(hours=1))
    changed = _verdict("I changed this", Verdict.Status.IN_REVIEW, editor, submitted_at=_ago(hours=1))
    changed.claim.changers.add(reviewer)
    response = reviewer_client.get("/admin/")
    panel = _panel(response, "review")
    assert '<span class="desk-count" title="How many">1</span>' in panel
    assert _row(panel, "Bread prices doubled") == (
        '<li class="desk-row">\n'
        f'          <p class="desk-row__main"><a class="desk-row__title" href="/admin/claims/verdict/{waiting.pk}/'
        'change/">Bread prices doubled</a> <span class="desk-status desk-status--in_review">In review</span></p>\n'
        '          <p class="desk-row__meta"><span>by Test</span><span>assigned to you</span><span>submitted '
        f'<time datetime="{waiting.submitted_at.isoformat()}" title="{waiting.submitted_at:%-d %b %Y, %H:%M}">'
        "2\xa0hours ago</time></span></p>\n          \n        </li>"
    )
    assert "I wrote this" not in panel and "I changed this" not in panel


def test_editors_have_no_review_section(editor_client, other_editor):
    _verdict("Waiting", Verdict.Status.IN_REVIEW, other_editor, submitted_at=_ago(hours=1))
    response = editor_client.get("/admin/")
    assertNotContains(response, 'id="desk-review"')
    assertNotContains(response, "Waiting for my review")


def test_sent_back_to_me_shows_the_reviewers_comment(editor_client, editor, colleague):
    verdict = _verdict(
        "Jobless rate halved",
        Verdict.Status.DRAFT,
        editor,
        returned_at=_ago(hours=3),
        returned_by=colleague,
        return_comment="Cite the 2023 figures.\nAnd the source's date.",
    )
    _verdict("Taken back by me", Verdict.Status.DRAFT, editor, returned_at=_ago(hours=3), returned_by=editor)
    response = editor_client.get("/admin/")
    panel = _panel(response, "sent_back")
    row = _row(panel, "Jobless rate halved")
    assert f'href="/admin/claims/verdict/{verdict.pk}/change/"' in row
    assert '<span class="desk-status desk-status--sent_back">Sent back</span>' in row
    assert "<span>by Sofia</span><span>sent back <time" in row
    assert (
        '<blockquote class="desk-row__note"><p>Cite the 2023 figures.<br>And the source&#x27;s date.</p>'
        "<footer>— Sofia</footer></blockquote>"
    ) in row
    assert "Taken back by me" not in panel
    # A draft the author took back is a plain draft of theirs.
    assert "Taken back by me" in _panel(response, "drafts")
    assert "Jobless rate halved" not in _panel(response, "drafts")


def test_my_drafts_and_what_is_assigned_to_me(editor_client, editor, reviewer, other_editor):
    draft = _verdict("My draft", Verdict.Status.DRAFT, editor)
    services.assignment_set(claim=draft.claim, editor=editor, reviewer=reviewer, by=reviewer)
    unwritten = ClaimFactory(title="Claim I added", created_by=editor)
    assigned = ClaimFactory(title="Assigned to write")
    services.assignment_set(claim=assigned, editor=editor, reviewer=reviewer, by=reviewer)
    _verdict("Not mine", Verdict.Status.DRAFT, other_editor)
    response = editor_client.get("/admin/")
    drafts = _panel(response, "drafts")
    assert '<span class="desk-count" title="How many">2</span>' in drafts
    assert "<span>reviewer: Test</span>" in _row(drafts, "My draft")
    assert (
        f'<a class="desk-row__title" href="/admin/claims/claim/{unwritten.pk}/change/">Claim I added</a> '
        '<span class="desk-status desk-status--none">No verdict yet</span>'
    ) in _row(drafts, "Claim I added")
    assert "Not mine" not in drafts
    mine = _panel(response, "assigned")
    assert '<span class="desk-count" title="How many">2</span>' in mine
    assert "<span>you write it</span>" in _row(mine, "Assigned to write")
    assert "<span>you write it</span><span>by you</span>" in _row(mine, "My draft")


def test_scheduled_shows_the_time_it_goes_public(editor_client, editor, colleague):
    at = _in(days=2)
    verdict = _verdict(
        "Goes out Friday",
        Verdict.Status.IN_REVIEW,
        editor,
        scheduled_at=at,
        scheduled_revision="a" * 64,
        scheduled_by=colleague,
    )
    row = _row(_panel(editor_client.get("/admin/"), "scheduled"), "Goes out Friday")
    assert f'href="/admin/claims/verdict/{verdict.pk}/change/"' in row
    assert '<span class="desk-status desk-status--scheduled">Scheduled</span>' in row
    local = timezone.localtime(at)
    assert (
        f'<span>approved by Sofia</span><span>goes public <time datetime="{local.isoformat()}">'
        f"{dateformat.format(local, 'D j M Y, H:i')}</time></span>"
    ) in row


def test_recently_published_is_the_last_week(editor_client, editor, colleague):
    _verdict("Out yesterday", Verdict.Status.PUBLISHED, editor, published_at=_ago(days=1), reviewer=colleague)
    _verdict("Out last month", Verdict.Status.PUBLISHED, editor, published_at=_ago(days=30), reviewer=colleague)
    panel = _panel(editor_client.get("/admin/"), "published")
    assert "<span>by you</span><span>reviewed by Sofia</span><span>published <time" in _row(panel, "Out yesterday")
    assert "Out last month" not in panel


def test_stale_work_is_what_nobody_touched_for_desk_stale_days(settings, editor_client, editor, other_editor):
    settings.DESK_STALE_DAYS = 3
    old = _verdict("Forgotten draft", Verdict.Status.DRAFT, other_editor)
    _untouched(old, days=4)
    _untouched(_verdict("Touched lately", Verdict.Status.DRAFT, other_editor), days=2)
    _untouched(_verdict("Published long ago", Verdict.Status.PUBLISHED, editor, published_at=_ago(days=9),
                        reviewer=other_editor), days=9)  # fmt: skip
    response = editor_client.get("/admin/")
    panel = _panel(response, "stale")
    assert '<span class="desk-count" title="How many">1</span>' in panel
    assert "<span>with Test</span><span>last touched <time" in _row(panel, "Forgotten draft")
    assertContains(
        response,
        '<p class="desk-footnote">Stale work: drafts and claims in review nobody has touched for 3 days.</p>',
        html=True,
    )


def test_proposed_changes_and_tips_waiting(editor_client, editor, other_editor):
    claim = ClaimFactory(title="Public claim")
    change = PendingChange.objects.create(
        claim=claim, kind="clarification", note="n", unit={}, unit_hash="h", base_hash="b", proposed_by=other_editor
    )
    Tip.objects.create(text="The mayor said the bridge cost a billion.")
    Tip.objects.create(text="Bread costs twice as much.")
    Tip.objects.create(text="Dismissed one.", status=Tip.Status.DISMISSED, dismiss_reason="Not a claim.")
    response = editor_client.get("/admin/")
    row = _row(_panel(response, "proposals"), "Public claim")
    assert f'href="/admin/claims/pendingchange/{change.pk}/change/"' in row
    assert '<span class="desk-status desk-status--proposal">Clarification</span>' in row
    assert "<span>proposed by Test</span>" in row
    tips = _panel(response, "tips")
    assert '<span class="desk-count" title="How many">2</span>' in tips
    assert '<p class="desk-tips">2 tips from readers are waiting to be triaged.</p>' in tips


def test_the_tips_panel_links_to_the_triage_list(editor_client):
    Tip.objects.create(text="The mayor said the bridge cost a billion.")
    tips = _panel(editor_client.get("/admin/"), "tips")
    assert '<p class="desk-section__all"><a href="/admin/desk/tip/">Triage the tips →</a></p>' in tips


def test_see_all_lists_the_same_claims_as_the_section(editor_client, editor):
    for n in range(8):
        _verdict(f"Draft {n}", Verdict.Status.DRAFT, editor)
    panel = _panel(editor_client.get("/admin/"), "drafts")
    assert panel.count('<li class="desk-row">') == 6
    assert '<p class="desk-section__all"><a href="/admin/claims/claim/?desk=drafts">See all 8 →</a></p>' in panel
    response = editor_client.get("/admin/claims/claim/?desk=drafts")
    assert sorted(c.title for c in response.context["cl"].result_list) == [f"Draft {n}" for n in range(8)]


# --- A fixed number of queries ----------------------------------------------------------------------


def _fill_every_section(n, me, other, colleague):
    """`n` claims in every section of `me`'s desk, and `n` proposals and tips."""
    roles = {"editor": other, "reviewer": me} if can_publish(me) else {"editor": me, "reviewer": colleague}
    for i in range(n):
        _verdict(f"Draft {i}", Verdict.Status.DRAFT, me)
        services.assignment_set(claim=ClaimFactory(title=f"Assigned {i}"), by=other, **roles)
        _verdict(f"Review {i}", Verdict.Status.IN_REVIEW, other, submitted_at=_ago(hours=1))
        _verdict(f"Back {i}", Verdict.Status.DRAFT, me, returned_at=_ago(hours=1), returned_by=colleague)
        _verdict(
            f"Scheduled {i}",
            Verdict.Status.IN_REVIEW,
            other,
            scheduled_at=_in(days=1),
            scheduled_revision="a" * 64,
            scheduled_by=colleague,
        )
        _verdict(f"Published {i}", Verdict.Status.PUBLISHED, other, published_at=_ago(days=1), reviewer=colleague)
        _untouched(_verdict(f"Stale {i}", Verdict.Status.DRAFT, other), days=30)
        PendingChange.objects.create(
            claim=ClaimFactory(), kind="correction", note="n", unit={}, unit_hash="h", base_hash="b", proposed_by=other
        )
        Tip.objects.create(text=f"Tip {i}")


@pytest.mark.parametrize("n", [1, 20])
def test_a_reviewers_desk_costs_the_same_queries_however_many_claims(
    reviewer_client, reviewer, editor, colleague, n, django_assert_num_queries
):
    _fill_every_section(n, reviewer, editor, colleague)
    ContentType.objects.clear_cache()
    with django_assert_num_queries(15):
        response = reviewer_client.get("/admin/")
    counts = re.findall(r'<span class="desk-count" title="How many">(\d+)</span>', response.content.decode())
    # review, sent back, assigned, drafts (sent back ones are apart), proposals, tips, scheduled, stale,
    # published; each query: session, user, permissions (2), the counts, each section's rows (7), the
    # proposals' count and rows, the tips' count
    assert counts == [str(n)] * 9


@pytest.mark.parametrize("n", [1, 20])
def test_an_editors_desk_costs_the_same_queries_however_many_claims(
    editor_client, editor, other_editor, colleague, n, django_assert_num_queries
):
    _fill_every_section(n, editor, other_editor, colleague)
    ContentType.objects.clear_cache()
    with django_assert_num_queries(14):
        response = editor_client.get("/admin/")
    counts = re.findall(r'<span class="desk-count" title="How many">(\d+)</span>', response.content.decode())
    assert counts == [str(n)] * 8  # no review section
