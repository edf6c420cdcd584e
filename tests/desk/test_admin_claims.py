"""The desk on the claim and verdict pages of the admin (desk/admin_claims.py): the assignment form,
the internal thread (which nothing public ever shows), and the list filters "Mine", "On my desk",
by assignee, author and reviewer."""

import pytest
from django.contrib.contenttypes.models import ContentType
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from claims import services as claim_services
from claims.models import Verdict
from desk import services
from desk.models import Assignment, Comment
from tests.factories import ClaimFactory, TopicFactory, UserFactory, make_verdict

pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def claim():
    return make_verdict(Verdict.Status.DRAFT, title="Bread prices doubled").claim


# --- Assignment -------------------------------------------------------------------------------------


def test_the_claim_page_offers_editors_and_reviewers_to_assign(editor_client, editor, reviewer, claim):
    response = editor_client.get(f"/admin/claims/claim/{claim.pk}/change/")
    assertContains(response, f'<form method="post" action="/admin/claims/claim/{claim.pk}/assign/" class="desk-form">')
    assertContains(
        response,
        '<select name="reviewer" aria-describedby="id_reviewer_helptext" id="id_reviewer">'
        '<option value="" selected>Nobody yet</option>'
        f'<option value="{reviewer.pk}">Test</option>'
        "</select>",
        html=True,
    )
    editor_options = response.context["desk_assignment_form"].fields["editor"].queryset
    assert editor in editor_options and reviewer in editor_options  # reviewers may write too


def test_assigning_from_the_claim_page(editor_client, editor, reviewer, claim):
    response = editor_client.post(
        f"/admin/claims/claim/{claim.pk}/assign/", {"editor": editor.pk, "reviewer": reviewer.pk}, follow=True
    )
    assertRedirects(response, f"/admin/claims/claim/{claim.pk}/change/#desk-assignment")
    assert _messages(response) == ["The assignment is saved."]
    assignment = Assignment.objects.get(claim=claim)
    assert (assignment.editor, assignment.reviewer, assignment.assigned_by) == (editor, reviewer, editor)
    assertContains(response, f'<option value="{reviewer.pk}" selected>Test</option>', html=True)


def test_a_refused_assignment_comes_back_with_the_reason_and_the_choice(client, reviewer, claim):
    client.force_login(reviewer)
    response = client.post(f"/admin/claims/claim/{claim.pk}/assign/", {"editor": reviewer.pk, "reviewer": reviewer.pk})
    assert response.status_code == 200
    assertContains(
        response,
        '<ul class="errorlist" id="id_reviewer_error"><li>The editor cannot also be the reviewer: a second person '
        "reviews the work.</li></ul>",
        html=True,
    )
    assertContains(response, f'<option value="{reviewer.pk}" selected>Test</option>', count=2, html=True)
    # The claim's own form on that page still posts to the claim's page.
    assertContains(response, f'<form action="/admin/claims/claim/{claim.pk}/change/" method="post" id="claim_form"')
    assert not Assignment.objects.exists()


def test_the_verdict_page_shows_who_is_assigned(editor_client, editor, reviewer, claim):
    services.assignment_set(claim=claim, editor=editor, reviewer=reviewer, by=editor)
    response = editor_client.get(f"/admin/claims/verdict/{claim.verdict.pk}/change/")
    assertContains(
        response,
        '<dl class="desk-facts"><dt>Editor</dt><dd>Test</dd><dt>Reviewer</dt><dd>Test</dd></dl>',
        html=True,
    )
    assertNotContains(response, "/assign/")


def test_assign_and_comment_urls_take_posts_only(editor_client, claim):
    assert editor_client.get(f"/admin/claims/claim/{claim.pk}/assign/").status_code == 405
    assert editor_client.get(f"/admin/claims/claim/{claim.pk}/comment/").status_code == 405


def test_readers_are_sent_to_the_login(client, reader, claim):
    client.force_login(reader)
    response = client.post(f"/admin/claims/claim/{claim.pk}/comment/", {"body": "Hello"})
    assert response.status_code == 302
    assert not Comment.objects.exists()


@pytest.mark.parametrize("object_id", ["abc", "999999"])
def test_a_bad_id_is_404(editor_client, object_id):
    assert editor_client.post(f"/admin/claims/claim/{object_id}/comment/", {"body": "x"}).status_code == 404


# --- The internal thread ----------------------------------------------------------------------------


def test_commenting_on_the_claim_page(editor_client, editor, claim):
    response = editor_client.post(
        f"/admin/claims/claim/{claim.pk}/comment/", {"body": "Who published the 2023 index?"}, follow=True
    )
    assertRedirects(response, f"/admin/claims/claim/{claim.pk}/change/#desk-thread")
    assert _messages(response) == ["Your comment is in the thread."]
    comment = Comment.objects.get()
    assert (comment.claim, comment.author, comment.body) == (claim, editor, "Who published the 2023 index?")
    assertContains(response, '<h2 id="desk-thread-heading">Internal thread · 1 comment</h2>', html=True)
    assertContains(
        response,
        f'<li class="desk-comment desk-comment--comment" id="comment-{comment.pk}">'
        '<p class="desk-comment__meta"><strong>Test</strong> · '
        f'<time datetime="{comment.created_at.isoformat()}">{comment.created_at:%-d %b %Y, %H:%M}</time></p>'
        '<div class="desk-comment__body"><p>Who published the 2023 index?</p></div></li>',
        html=True,
    )


def test_commenting_on_the_verdict_page_returns_to_it(editor_client, claim):
    verdict = claim.verdict
    response = editor_client.post(f"/admin/claims/verdict/{verdict.pk}/comment/", {"body": "Rating checked."})
    assertRedirects(response, f"/admin/claims/verdict/{verdict.pk}/change/#desk-thread", fetch_redirect_response=False)
    assert Comment.objects.get().claim == claim


def test_an_empty_comment_comes_back_with_an_error(editor_client, claim):
    response = editor_client.post(f"/admin/claims/claim/{claim.pk}/comment/", {"body": "   "})
    assert response.status_code == 200
    assertContains(
        response, '<ul class="errorlist" id="id_body_error"><li>This field is required.</li></ul>', html=True
    )
    assert not Comment.objects.exists()


def test_the_thread_shows_a_send_back_as_such(client, reviewer, django_capture_on_commit_callbacks):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        claim_services.verdict_return_to_draft(verdict=verdict, by=reviewer, comment="Cite the 2023 figures.")
    client.force_login(reviewer)
    response = client.get(f"/admin/claims/verdict/{verdict.pk}/change/")
    assertContains(response, '<span class="desk-status desk-status--sent_back">Sent back</span>', html=True)
    assertContains(response, '<div class="desk-comment__body"><p>Cite the 2023 figures.</p></div>', html=True)


@pytest.mark.parametrize("comments", [1, 20])
def test_the_thread_costs_the_same_queries_however_long(
    editor_client, editor, claim, comments, django_assert_num_queries
):
    for n in range(comments):
        services.comment_add(claim=claim, body=f"Comment {n}", by=UserFactory(username=f"c{n}", group="Editors"))
    ContentType.objects.clear_cache()
    with django_assert_num_queries(27):
        response = editor_client.get(f"/admin/claims/claim/{claim.pk}/change/")
    assertContains(response, f"<p>Comment {comments - 1}</p>", html=True)


SECRET = "DESK-ONLY-NOTE-4711 the source is a cousin of the minister"


def test_a_comment_appears_on_no_public_page_and_nowhere_in_the_api(client, reviewer, editor):
    verdict = make_verdict(reviewer=reviewer, slug="public-claim", title="Public claim")
    topic = TopicFactory(slug="economy", featured=True)
    verdict.claim.topics.add(topic)
    services.comment_add(claim=verdict.claim, body=SECRET, by=editor)
    slug, claimant = verdict.claim.slug, verdict.claim.claimant.slug
    urls = [
        "/",
        "/claims/",
        "/claims/?q=cousin",
        f"/claims/{slug}/",
        f"/claimants/{claimant}/",
        "/topics/economy/",
        "/corrections/",
        "/feeds/verdicts.rss",
        "/feeds/verdicts.atom",
        "/feeds/corrections.rss",
        "/sitemap.xml",
        "/sitemap-claims.xml",
        "/api/v1/claims/",
        f"/api/v1/claims/{slug}/",
        "/api/v1/claim-reviews/",
        "/api/v1/claimants/",
        "/api/v1/topics/",
        "/api/v1/sources/",
        "/api/v1/tombstones/",
        "/api/v1/match/?text=cousin+minister",
        "/api/v1/schema/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assertNotContains(response, "DESK-ONLY-NOTE-4711", msg_prefix=url)
        assertNotContains(response, "cousin of the minister", msg_prefix=url)
    # The staff preview is the readers' page too: no thread there either.
    client.force_login(editor)
    assertNotContains(client.get(f"/admin/claims/claim/{verdict.claim_id}/preview/"), "DESK-ONLY-NOTE-4711")


# --- List filters -----------------------------------------------------------------------------------


@pytest.fixture
def lists(editor, other_editor, reviewer):
    """Claims that are the editor's in each way "Mine" counts, and one that is not."""
    written = make_verdict(Verdict.Status.DRAFT, title="Written by me")
    written.author = editor
    written.save()
    assigned = ClaimFactory(title="Assigned to me")
    services.assignment_set(claim=assigned, editor=editor, reviewer=reviewer, by=reviewer)
    changed = ClaimFactory(title="Changed by me")
    changed.changers.add(editor)
    created = ClaimFactory(title="Created by me", created_by=editor)
    other = make_verdict(reviewer=reviewer, title="Someone else's")
    return {"written": written, "assigned": assigned, "changed": changed, "created": created, "other": other}


def _titles(response):
    return sorted(claim.title for claim in response.context["cl"].result_list)


def test_mine_lists_what_i_wrote_am_assigned_to_or_changed(editor_client, lists):
    response = editor_client.get("/admin/claims/claim/?mine=1")
    assert _titles(response) == ["Assigned to me", "Changed by me", "Created by me", "Written by me"]
    assertContains(response, '<a href="?mine=1">Mine: I wrote it, am assigned to it or changed it</a>', html=True)


def test_mine_on_the_verdict_list(editor_client, lists):
    response = editor_client.get("/admin/claims/verdict/?mine=1")
    assert sorted(v.claim.title for v in response.context["cl"].result_list) == ["Written by me"]


def test_filter_by_assignee(editor_client, editor, reviewer, lists):
    assertContains(
        editor_client.get("/admin/claims/claim/"),
        f'<a href="?assigned_editor={editor.pk}">Test</a>',
        html=True,
    )
    assert _titles(editor_client.get(f"/admin/claims/claim/?assigned_editor={editor.pk}")) == ["Assigned to me"]
    assert _titles(editor_client.get(f"/admin/claims/claim/?assigned_reviewer={reviewer.pk}")) == ["Assigned to me"]
    assert _titles(editor_client.get(f"/admin/claims/claim/?assigned_reviewer={editor.pk}")) == []


def test_filter_by_author_and_by_reviewer(editor_client, editor, reviewer, lists):
    assert _titles(editor_client.get(f"/admin/claims/claim/?verdict__author__id__exact={editor.pk}")) == [
        "Written by me"
    ]
    assert _titles(editor_client.get(f"/admin/claims/claim/?verdict__reviewer__id__exact={reviewer.pk}")) == [
        "Someone else's"
    ]
    response = editor_client.get(f"/admin/claims/verdict/?reviewer__id__exact={reviewer.pk}")
    assert [v.claim.title for v in response.context["cl"].result_list] == ["Someone else's"]
    assertContains(response, "<summary> By reviewer who published it </summary>", html=True)


def test_the_claim_list_shows_who_is_assigned(editor_client, lists):
    response = editor_client.get("/admin/claims/claim/?mine=1")
    assertContains(
        response,
        '<td class="field-assigned">Test <span class="desk-role">(editor)</span>, Test '
        '<span class="desk-role">(reviewer)</span></td>',
        html=True,
    )


@pytest.mark.parametrize("rows", [1, 20])
@pytest.mark.parametrize("query", ["?mine=1", "?desk=drafts", "?assigned_editor=1"])
def test_filtered_claim_lists_cost_the_same_queries_however_long(
    client, editor, reviewer, rows, query, django_assert_num_queries
):
    client.force_login(editor)
    for n in range(rows):
        verdict = make_verdict(Verdict.Status.DRAFT, title=f"Draft {n}")
        Verdict.objects.filter(pk=verdict.pk).update(author=editor)
        services.assignment_set(claim=verdict.claim, editor=editor, reviewer=reviewer, by=editor)
    query = query.replace("assigned_editor=1", f"assigned_editor={editor.pk}")
    ContentType.objects.clear_cache()
    with django_assert_num_queries(17):
        response = client.get(f"/admin/claims/claim/{query}")
    assert len(response.context["cl"].result_list) == rows
