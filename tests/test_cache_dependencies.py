"""Invalidation by what a page shows (factcheck/cache.py): every kind of change reaches every URL
that shows it on the next request, while the pages of an unrelated claim and an unrelated claimant
stay cached (served as hits). The cache here is one process's (SingleProcessCache), as under
`manage.py runserver`; the shared Redis cache has the same tags (tests/test_cache.py)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from claims import revisions, services, views
from claims.models import Claim, ContentVersion, Rating, Verdict
from factcheck import cache as page_cache
from factcheck.cache_backend import RedisCache
from tests.factories import ClaimantFactory, SourceFactory, TopicFactory, UserFactory, correct, make_verdict

pytestmark = pytest.mark.django_db

SINGLE_PROCESS = {"default": {"BACKEND": "factcheck.cache_backend.SingleProcessCache", "LOCATION": "deps"}}


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PUBLIC_CACHE = True
    settings.PUBLIC_CACHE_CLOCK_MARGIN = 0  # one process, one clock
    settings.CACHES = {**settings.CACHES, **SINGLE_PROCESS}
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service call and its commit hooks, as a request's transaction would."""

    def run(call, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(**kwargs)

    return run


def _publish(verdict, reviewer):
    services.verdict_submit_for_review(verdict=verdict, by=verdict.author)
    services.verdict_publish(verdict=verdict, by=reviewer, revision=services.claim_revision(verdict.claim))


@pytest.fixture
def site(reviewer, django_capture_on_commit_callbacks):
    """Two claims that share nothing: Ada's on the economy (x), Bo's on health (y)."""
    ada = ClaimantFactory(name="Ada Minister", slug="ada")
    bo = ClaimantFactory(name="Bo Mayor", slug="bo")
    economy, health = TopicFactory(name="Economy", slug="economy"), TopicFactory(name="Health", slug="health")
    with django_capture_on_commit_callbacks(execute=True):
        x = make_verdict(Verdict.Status.DRAFT, slug="x", title="Exports doubled", claimant=ada)
        x.claim.topics.add(economy)
        _publish(x, reviewer)
        y = make_verdict(Verdict.Status.DRAFT, slug="y", title="Clinics closed", claimant=bo)
        y.claim.topics.add(health)
        _publish(y, reviewer)
    x.refresh_from_db()
    return {"x": x, "y": y, "ada": ada, "bo": bo, "economy": economy, "health": health}


X_URLS = ["/claims/x/", "/api/v1/claims/x/", "/claimants/ada/", "/topics/economy/"]
LISTS = ["/", "/claims/", "/claims/?topic=economy", "/api/v1/claims/", "/api/v1/claim-reviews/", "/feeds/verdicts.rss"]
UNRELATED = ["/claims/y/", "/claimants/bo/", "/api/v1/claims/y/"]


def _warm(client, urls):
    for url in urls:
        assert client.get(url).status_code == 200, url
        assert client.get(url)["X-Cache"] == "hit", url


def _fresh(client, url, *texts):
    response = client.get(url)
    assert (response.status_code, response["X-Cache"]) == (200, "miss"), url
    body = response.content.decode()
    for text in texts:
        assert text in body, (url, text)
    return body


def _still_cached(client, urls):
    for url in urls:
        assert client.get(url)["X-Cache"] == "hit", url


def test_a_page_is_served_from_the_cache_until_what_it_shows_changes(client, site):
    _warm(client, ["/claims/x/"])
    Claim.objects.filter(slug="x").update(title="Changed behind the services' back")
    assert "Exports doubled" in client.get("/claims/x/").content.decode()


def test_publish_refreshes_the_lists_and_the_claimant_and_topic_pages_only(client, site, reviewer, committed):
    _warm(client, X_URLS + LISTS + UNRELATED)
    new = make_verdict(Verdict.Status.DRAFT, slug="z", title="Wages rose", claimant=site["ada"])
    new.claim.topics.add(site["economy"])
    committed(_publish, verdict=new, reviewer=reviewer)
    for url in ["/claimants/ada/", "/topics/economy/", *LISTS]:
        _fresh(client, url, "Wages rose")
    _fresh(client, "/claims/z/", "Wages rose")
    # Ada's other claim and everything of Bo's stay cached.
    _still_cached(client, ["/claims/x/", "/api/v1/claims/x/", *UNRELATED])


def test_correction_approval_refreshes_every_page_showing_the_verdict(client, site, reviewer, editor, committed):
    _warm(client, X_URLS + LISTS + UNRELATED)
    committed(
        correct,
        verdict=site["x"],
        by=editor,
        note="The export figure was revised.",
        rating=Rating.objects.get(slug="needs-context"),
        conclusion="Exports rose by a third.",
    )
    for url in X_URLS + LISTS:
        _fresh(client, url, "Exports rose by a third.")
    assert "Needs context" in client.get("/claims/x/").content.decode()
    assert client.get("/api/v1/claims/x/").json()["rating"]["slug"] == "needs-context"
    _still_cached(client, UNRELATED)


def test_retraction_and_reinstatement_refresh_every_page_showing_the_verdict(client, site, reviewer, editor, committed):
    _warm(client, X_URLS + LISTS + UNRELATED)
    committed(services.verdict_retract, verdict=site["x"], note="The source was a forgery.", by=reviewer)
    _fresh(client, "/claims/x/", "The source was a forgery.")
    for url in ["/claims/", "/topics/economy/", "/"]:
        assert "Exports doubled" not in _fresh(client, url), url
    assert client.get("/claimants/ada/").status_code == 404  # no published claim left
    assert client.get("/api/v1/claims/x/").status_code == 404
    assert [c["slug"] for c in client.get("/api/v1/claims/").json()["results"]] == ["y"]
    _still_cached(client, UNRELATED)

    _warm(client, ["/claims/x/", "/claims/", "/api/v1/claims/"])
    verdict = Verdict.objects.get(pk=site["x"].pk)
    change = services.verdict_reinstate(verdict=verdict, note="The source was genuine after all.", by=editor)
    _still_cached(client, ["/claims/x/", "/claims/"])  # a proposal changes nothing public
    committed(services.change_approve, change=change, by=UserFactory(username="second", group="Reviewers"),
              revision=change.unit_hash)  # fmt: skip
    body = _fresh(client, "/claims/x/", "The statement is not accurate.", "The source was genuine after all.")
    assert "<title>Retracted:" not in body
    _fresh(client, "/claims/", "Exports doubled")
    assert [c["slug"] for c in client.get("/api/v1/claims/").json()["results"]] == ["y", "x"]
    _still_cached(client, UNRELATED)


def test_evidence_and_appearance_changes_through_an_approved_proposal(client, site, editor, committed):
    _warm(client, X_URLS + UNRELATED)
    unit = revisions.unit_of(site["x"].claim_id)
    added = SourceFactory(title="The customs ledger", slug="ledger")
    unit["evidence"].append({"source": added.pk, "note": "The ledger's totals.", "position": 9})
    unit["appearances"][0]["quote"] = "exports have doubled, the minister said"
    change = services.change_propose(claim=site["x"].claim, unit=unit, note="Added the ledger.", by=editor)
    approver = UserFactory(username="second", group="Reviewers")
    committed(services.change_approve, change=change, by=approver, revision=change.unit_hash)
    _fresh(client, "/claims/x/", "The customs ledger", "exports have doubled, the minister said")
    detail = client.get("/api/v1/claims/x/").json()
    assert [e["source"]["title"] for e in detail["evidence"]][-1] == "The customs ledger"
    _still_cached(client, UNRELATED)


def test_moving_a_claim_to_another_claimant_and_topic_refreshes_both_sides(client, site, editor, committed):
    _warm(client, ["/claimants/ada/", "/claimants/bo/", "/topics/economy/", "/topics/health/", "/claims/y/"])
    unit = revisions.unit_of(site["x"].claim_id)
    unit["claim"]["claimant"], unit["claim"]["topics"] = site["bo"].pk, [site["health"].pk]
    change = services.change_propose(claim=site["x"].claim, unit=unit, note="Misattributed.", by=editor)
    committed(services.change_approve, change=change, by=UserFactory(username="second", group="Reviewers"),
              revision=change.unit_hash)  # fmt: skip
    assert client.get("/claimants/ada/").status_code == 404  # no published claim left
    _fresh(client, "/claimants/bo/", "Exports doubled")
    assert "Exports doubled" not in _fresh(client, "/topics/economy/")
    _fresh(client, "/topics/health/", "Exports doubled")
    _still_cached(client, ["/claims/y/"])


@pytest.mark.parametrize(
    ("what", "new_name", "urls"),
    [
        ("claimant", "Ada Lovelace-Minister", ["/claims/x/", "/api/v1/claims/x/", "/claimants/ada/", *LISTS[:4]]),
        ("topic", "The economy at large", ["/claims/x/", "/api/v1/claims/x/", "/topics/economy/", "/claims/"]),
        ("source", "The renamed wire story", ["/claims/x/", "/api/v1/claims/x/"]),
        ("publisher", "The Renamed Gazette", ["/claims/x/", "/api/v1/claims/x/"]),
    ],
)
def test_a_rename_refreshes_every_page_that_shows_the_object(client, site, reviewer, committed, what, new_name, urls):
    claim = site["x"].claim
    obj = {
        "claimant": site["ada"],
        "topic": site["economy"],
        "source": claim.appearances.get().source,
        "publisher": claim.appearances.get().source.publisher,
    }[what]
    _warm(client, urls + ["/claims/y/", "/claimants/bo/"])
    field = "title" if what == "source" else "name"
    setattr(obj, field, new_name)
    committed(services.reference_save, obj=obj, by=reviewer, expected_version=obj.version)
    for url in urls:
        _fresh(client, url, new_name)
    _still_cached(client, ["/claims/y/", "/claimants/bo/"])


def test_a_rating_rename_refreshes_pages_showing_ratings(client, site, reviewer, committed):
    _warm(client, ["/claims/x/", "/claims/y/", "/claimants/bo/", "/claims/"])
    rating = Rating.objects.get(slug="false")
    rating.label = "Untrue"
    committed(services.reference_save, obj=rating, by=reviewer, expected_version=rating.version)
    for url in ["/claims/x/", "/claims/y/", "/claimants/bo/", "/claims/"]:
        _fresh(client, url, "Untrue")


def test_related_claims_show_a_correction_of_a_related_claim_at_once(client, site, reviewer, editor, committed):
    with_related = make_verdict(Verdict.Status.DRAFT, slug="w", title="Imports fell", claimant=site["ada"])
    committed(_publish, verdict=with_related, reviewer=reviewer)
    body = _fresh(client, "/claims/x/", "Imports fell")
    assert "Related fact-checks" in body
    _warm(client, ["/claims/x/", "/claims/y/"])
    committed(correct, verdict=with_related, by=editor, note="Fixed.", rating=Rating.objects.get(slug="true"))
    body = _fresh(client, "/claims/x/", "Imports fell")
    assert "rating--true" in body
    _still_cached(client, ["/claims/y/"])


def test_a_staff_members_new_byline_refreshes_the_pages_they_signed(client, site, committed):
    from organisation.models import StaffProfile

    author = site["x"].author
    profile = StaffProfile.objects.create(user=author, display_name="Fiona Writer", slug="fiona")
    _warm(client, ["/claims/x/", "/claims/y/"])
    profile.display_name = "Fiona Author"
    committed(services.staff_profile_save, profile=profile, by=author, expected_version=profile.version)
    _fresh(client, "/claims/x/", "Fiona Author")
    _fresh(client, "/claims/y/", "Fiona Author")  # the same factory author wrote both


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_publication_scheduled_by_the_queue_shows_when_the_worker_publishes_it(client, settings):
    settings.TASKS, settings.TASK_BACKEND = DATABASE_QUEUE, "database"
    reviewer = UserFactory(username="scheduling-reviewer", group="Reviewers")
    make_verdict(slug="y", title="Clinics closed", claimant=ClaimantFactory(slug="bo"))
    later = make_verdict(Verdict.Status.IN_REVIEW, slug="later", title="Rents were frozen")
    _warm(client, ["/claims/", "/api/v1/claims/", "/claims/y/", "/claimants/bo/"])
    at = timezone.now() + datetime.timedelta(minutes=30)
    services.verdict_schedule(verdict=later, by=reviewer, revision=services.claim_revision(later.claim), at=at)
    _still_cached(client, ["/claims/"])
    DBTaskResult.objects.update(run_after=timezone.now() - datetime.timedelta(seconds=1))
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    _fresh(client, "/claims/", "Rents were frozen")
    assert [c["slug"] for c in client.get("/api/v1/claims/").json()["results"]] == ["later", "y"]
    _still_cached(client, ["/claims/y/", "/claimants/bo/"])


# --- The mechanism -----------------------------------------------------------------------------------


def test_an_answer_rendered_while_a_change_committed_is_not_stored(client, site, monkeypatch):
    """A bump between the render's reads and the storing: the answer is served but not kept."""
    real = page_cache.tokens

    def bumped_meanwhile(tags):
        page_cache.bump({f"claim:{site['x'].claim_id}"})
        return real(tags)

    monkeypatch.setattr(page_cache, "tokens", bumped_meanwhile)
    assert client.get("/claims/x/")["X-Cache"] == "miss"
    monkeypatch.setattr(page_cache, "tokens", real)
    assert client.get("/claims/x/")["X-Cache"] == "miss"  # nothing was stored
    assert client.get("/claims/x/")["X-Cache"] == "hit"


def test_an_evicted_tag_makes_its_answers_stale_never_fresh(client, site):
    _warm(client, ["/claims/x/", "/claims/y/"])
    caches["default"].delete(f"{page_cache.TAG_PREFIX}claim:{site['x'].claim_id}")
    assert client.get("/claims/x/")["X-Cache"] == "miss"
    _still_cached(client, ["/claims/y/"])


def test_a_bump_the_cache_does_not_take_moves_the_epoch(client, site, reviewer, monkeypatch, committed):
    _warm(client, ["/claims/x/", "/claims/y/"])
    monkeypatch.setattr(page_cache, "bump", lambda tags, changed_at=None: False)
    before = ContentVersion.objects.get().number
    committed(services.verdict_retract, verdict=site["y"], note="Withdrawn.", by=reviewer)
    assert ContentVersion.objects.get().number == before + 1
    assert client.get("/claims/x/")["X-Cache"] == "miss"  # everything, since the tags were lost
    _fresh(client, "/claims/y/", "Withdrawn.")


def test_a_per_process_cache_moves_the_epoch_with_every_change(client, site, reviewer, settings, committed):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "per-process"},
    }
    _warm(client, ["/claims/x/", "/claims/y/"])
    before = ContentVersion.objects.get().number
    committed(services.verdict_retract, verdict=site["y"], note="Withdrawn.", by=reviewer)
    assert ContentVersion.objects.get().number == before + 1
    # Other processes cannot hear of the tags: everything is rendered afresh, as before tags.
    assert client.get("/claims/x/")["X-Cache"] == "miss"


def test_a_failing_redis_takes_no_bump(settings):
    backend = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.05}})
    settings.CACHES = {
        "default": {"BACKEND": "factcheck.cache_backend.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    assert backend.set_many({"a": 1}) == ["a"]  # not stored, and no exception
    assert page_cache.bump({"claim:1"}) is False
    RedisCache.health.down_until = 0.0


def test_a_claim_page_records_the_tags_of_everything_it_shows(site):
    request = RequestFactory().get("/claims/y/")
    request.user = AnonymousUser()
    views.claim_detail(request, slug="y")
    y = site["y"]
    seen, cited = y.claim.appearances.get().source, y.evidence.get().source
    assert set(page_cache.tags_of(request)) == {
        f"claim:{y.claim_id}",
        f"claimant:{site['bo'].pk}",
        f"topic:{site['health'].pk}",
        "ratings",
        f"source:{seen.pk}",
        f"publisher:{seen.publisher_id}",
        f"source:{cited.pk}",
        f"publisher:{cited.publisher_id}",
        f"staff:{y.author_id}",
        f"staff:{y.reviewer_id}",
    }


def test_a_page_that_names_no_tag_depends_on_every_change(site):
    request = RequestFactory().get("/about/")
    assert page_cache.tags_of(request) == ("all",)


# --- Site-wide counts that take long: served as they were while the queue counts them again ---------


class Queue:
    """Stands for claims.tasks.refresh_aggregate: records what is enqueued, runs nothing."""

    def __init__(self, queued):
        self.enqueue = queued.append


@pytest.fixture
def slow_counts(settings):
    """Every site-wide count counts as slow (at a million claims they take 0.7-1.2 s each)."""
    settings.AGGREGATE_BACKGROUND_SECONDS = 0
    settings.AGGREGATE_STALE_SECONDS = 60


def _topic_line(client, url="/"):
    response = client.get(url)
    body = response.content.decode()
    start = body.index('href="/topics/economy/"')
    return response, body[start : body.index("</li>", start)]


def test_a_slow_count_is_served_as_it_was_while_the_queue_counts_it_again(
    client, site, reviewer, committed, slow_counts, monkeypatch
):
    from claims import tasks

    site["economy"].featured = True
    site["economy"].save()
    page_cache.bump(["claims"])
    response, line = _topic_line(client)
    assert "1 check" in line  # counted now: no earlier count to show
    queued = []
    refresh = tasks.refresh_aggregate
    monkeypatch.setattr(tasks, "refresh_aggregate", Queue(queued))  # a worker that has not run yet
    new = make_verdict(Verdict.Status.DRAFT, slug="z", title="Wages rose", claimant=site["ada"])
    new.claim.topics.add(site["economy"])
    committed(_publish, verdict=new, reviewer=reviewer)

    response, line = _topic_line(client)
    body = response.content.decode()
    assert "Wages rose" in body  # the list of checks is read now: only the count waits
    assert "1 check" in line
    assert "topics" in queued and queued.count("topics") == 1
    # Not kept in the page cache under the new version: the next reader gets a new page, and the
    # count is queued once, not once per reader.
    response, line = _topic_line(client)
    assert response["X-Cache"] == "miss"
    assert queued.count("topics") == 1

    # The worker counts again; the next page shows the new count and is kept.
    for name in set(queued):
        refresh.func(name)
    response, line = _topic_line(client)
    assert "2 checks" in line
    assert client.get("/")["X-Cache"] == "hit"


def test_a_slow_count_is_never_older_than_the_bound(
    client, site, reviewer, committed, slow_counts, settings, monkeypatch
):
    from claims import tasks

    site["economy"].featured = True
    site["economy"].save()
    page_cache.bump(["claims"])
    _topic_line(client)
    monkeypatch.setattr(tasks, "refresh_aggregate", Queue([]))  # no worker at all
    settings.AGGREGATE_STALE_SECONDS = 0  # the last count is already too old to show
    new = make_verdict(Verdict.Status.DRAFT, slug="z", title="Wages rose", claimant=site["ada"])
    new.claim.topics.add(site["economy"])
    committed(_publish, verdict=new, reviewer=reviewer)
    _response, line = _topic_line(client)
    assert "2 checks" in line


def test_a_quick_count_is_always_made_at_once(client, site, reviewer, committed, monkeypatch):
    """The default threshold (0.5 s): a site of this size counts in milliseconds, so a publish shows
    in the counts on the next request and nothing is queued."""
    from claims import tasks

    site["economy"].featured = True
    site["economy"].save()
    page_cache.bump(["claims"])
    _topic_line(client)
    queued = []
    monkeypatch.setattr(tasks, "refresh_aggregate", Queue(queued))
    new = make_verdict(Verdict.Status.DRAFT, slug="z", title="Wages rose", claimant=site["ada"])
    new.claim.topics.add(site["economy"])
    committed(_publish, verdict=new, reviewer=reviewer)
    _response, line = _topic_line(client)
    assert "2 checks" in line
    assert queued == []
