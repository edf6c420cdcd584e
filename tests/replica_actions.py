"""What tests/test_replica.py does to its own database on the primary, in a process of its own
(the test's process is tied to the test database): `python -m tests.replica_actions setup` and
`python -m tests.replica_actions publish SLUG`. Prints JSON."""

import json
import os
import sys

import django


def setup():
    """A published claim, a claim in review, and a signed-in reviewer's session."""
    from django.test import Client

    from claims.models import Verdict
    from tests.factories import UserFactory, make_verdict

    published = make_verdict(title="The old bridge cost forty million", slug="old-bridge")
    waiting = make_verdict(Verdict.Status.IN_REVIEW, title="The new tunnel cost ninety million", slug="new-tunnel")
    client = Client()
    client.force_login(UserFactory(username="replica-reviewer", group="Reviewers"))
    return {
        "published": published.claim.slug,
        "waiting": waiting.claim.slug,
        "session": client.cookies["sessionid"].value,
    }


def publish(slug):
    """Publish the claim in review, as the reviewer the setup's first publication created."""
    from django.contrib.auth import get_user_model

    from claims import services
    from claims.models import Verdict

    verdict = Verdict.objects.select_related("claim").get(claim__slug=slug)
    reviewer = get_user_model().objects.get(username="factory-reviewer")
    services.verdict_publish(verdict=verdict, by=reviewer, revision=services.claim_revision(verdict.claim))
    return {"published": slug}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    django.setup()
    action, *args = sys.argv[1:]
    print(json.dumps({"setup": setup, "publish": publish}[action](*args)))
