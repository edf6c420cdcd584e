"""Background work of the editorial workflow, on Django's tasks API (settings.TASKS)."""

from django_tasks import task

from claims import services


@task()
def publish_scheduled(verdict_id, at):
    """Publish a scheduled verdict at its time (services.verdict_publish_scheduled decides whether
    the schedule still stands)."""
    verdict = services.verdict_publish_scheduled(verdict_id=verdict_id, at=at)
    return verdict.pk if verdict else None


@task()
def refresh_aggregate(name):
    """Count a site-wide aggregate again after a change (claims.selectors.Aggregates._stale)."""
    from claims.selectors import Aggregates

    Aggregates().refresh(name)
    return name
