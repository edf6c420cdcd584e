"""A double click on "publish" (or two reviewers at once) publishes once, even when the two
requests run at the same moment on two database connections."""

import threading

import pytest
from django.db import connection

from claims import services
from claims.models import Correction, Rating, Verdict
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
        {"verdict": Verdict.objects.get(pk=verdict.pk), "by": reviewer},
        {"verdict": Verdict.objects.get(pk=verdict.pk), "by": reviewer},
    )
    published = [o for o in outcomes if isinstance(o, Verdict)]
    refused = [o for o in outcomes if isinstance(o, services.WorkflowError)]
    assert (len(published), len(refused)) == (1, 1), outcomes
    assert refused[0].messages == ["This verdict is already published."]
    verdict.refresh_from_db()
    assert (verdict.status, verdict.reviewer, verdict.version) == (Verdict.Status.PUBLISHED, reviewer, 3)
    assert services.content_version_current() == version_before + 1
    assert verdict.history.filter(status=Verdict.Status.PUBLISHED).count() == 1


def test_two_simultaneous_corrections_of_the_same_version_keep_the_first_and_refuse_the_second():
    verdict = make_verdict(slug="two-correctors")
    first, second = (UserFactory(username=name, group="Reviewers") for name in ("first-fixer", "second-fixer"))
    loaded_version = verdict.version
    outcomes = _race(
        services.verdict_correct,
        {
            "verdict": Verdict.objects.get(pk=verdict.pk),
            "by": first,
            "note": "First fix.",
            "conclusion": "First conclusion.",
            "expected_version": loaded_version,
        },
        {
            "verdict": Verdict.objects.get(pk=verdict.pk),
            "by": second,
            "note": "Second fix.",
            "rating": Rating.objects.get(slug="mostly-false"),
            "expected_version": loaded_version,
        },
    )
    done = [o for o in outcomes if isinstance(o, Correction)]
    conflicts = [o for o in outcomes if isinstance(o, services.EditConflict)]
    assert (len(done), len(conflicts)) == (1, 1), outcomes
    assert "Someone else changed this verdict while you were editing it." in conflicts[0].messages[0]
    verdict.refresh_from_db()
    assert verdict.version == loaded_version + 1
    assert list(verdict.corrections.values_list("note", flat=True)) == [done[0].note]
    if done[0].note == "First fix.":
        assert (verdict.conclusion, verdict.rating.slug) == ("First conclusion.", "false")
    else:
        assert (verdict.conclusion, verdict.rating.slug) == ("The statement is not accurate.", "mostly-false")
