"""A double click on "publish" (or two reviewers at once) publishes once, even when the two
requests run at the same moment on two database connections."""

import threading

import pytest
from django.db import connection

from claims import services
from claims.models import PendingChange, Rating, Verdict
from tests.factories import UserFactory, make_verdict

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent connections and row locks: SQLite serialises all writes",
    ),
]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _race(action, *argument_sets):
    """Run action(**kwargs) for each kwargs in parallel threads, each on its own connection;
    return what each returned or raised."""
    barrier = threading.Barrier(len(argument_sets))
    outcomes = [None] * len(argument_sets)

    def run(index, kwargs):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = action(**kwargs)
        except Exception as exc:  # the outcome under test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, kwargs)) for i, kwargs in enumerate(argument_sets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_a_double_click_on_publish_publishes_once():
    verdict = make_verdict(Verdict.Status.IN_REVIEW, slug="double-click")
    reviewer = UserFactory(username="quick-reviewer", group="Reviewers")
    version_before = services.content_version_current()
    outcomes = _race(
        services.verdict_publish,
        {
            "verdict": Verdict.objects.get(pk=verdict.pk),
            "by": reviewer,
            "revision": services.claim_revision(verdict.claim),
        },
        {
            "verdict": Verdict.objects.get(pk=verdict.pk),
            "by": reviewer,
            "revision": services.claim_revision(verdict.claim),
        },
    )
    published = [o for o in outcomes if isinstance(o, Verdict)]
    refused = [o for o in outcomes if isinstance(o, services.WorkflowError)]
    assert (len(published), len(refused)) == (1, 1), outcomes
    assert refused[0].messages == ["This verdict is already published."]
    verdict.refresh_from_db()
    assert (verdict.status, verdict.reviewer, verdict.version) == (Verdict.Status.PUBLISHED, reviewer, 3)
    assert services.content_version_current() == version_before + 1
    assert verdict.history.filter(status=Verdict.Status.PUBLISHED).count() == 1


def test_two_simultaneous_proposals_keep_the_first_and_refuse_the_second():
    verdict = make_verdict(slug="two-correctors")
    first, second = (UserFactory(username=name, group="Reviewers") for name in ("first-fixer", "second-fixer"))
    outcomes = _race(
        services.verdict_correct,
        {"verdict": Verdict.objects.get(pk=verdict.pk), "by": first, "note": "First fix.", "conclusion": "First."},
        {
            "verdict": Verdict.objects.get(pk=verdict.pk),
            "by": second,
            "note": "Second fix.",
            "rating": Rating.objects.get(slug="mostly-false"),
        },
    )
    done = [o for o in outcomes if isinstance(o, PendingChange)]
    refused = [o for o in outcomes if isinstance(o, services.WorkflowError)]
    assert (len(done), len(refused)) == (1, 1), outcomes
    assert "already waiting for review" in refused[0].messages[0]
    assert list(PendingChange.objects.values_list("note", flat=True)) == [done[0].note]
    verdict.refresh_from_db()
    assert (verdict.conclusion, verdict.rating.slug) == ("The statement is not accurate.", "false")


def test_two_reviewers_approving_one_change_at_once_publish_it_once():
    verdict = make_verdict(slug="two-approvers")
    proposer = UserFactory(username="proposer", group="Editors")
    change = services.verdict_correct(verdict=verdict, by=proposer, note="Fix.", conclusion="Fixed.")
    first, second = (UserFactory(username=name, group="Reviewers") for name in ("approver-1", "approver-2"))
    outcomes = _race(
        services.change_approve,
        {"change": change, "by": first, "revision": change.unit_hash},
        {"change": change, "by": second, "revision": change.unit_hash},
    )
    approved = [o for o in outcomes if isinstance(o, PendingChange)]
    refused = [o for o in outcomes if isinstance(o, services.WorkflowError)]
    assert (len(approved), len(refused)) == (1, 1), outcomes
    assert verdict.corrections.count() == 1
    assert Verdict.objects.get(pk=verdict.pk).conclusion == "Fixed."
