"""Background work of the article intake, on Django's tasks API (settings.TASKS)."""

from django_tasks import task

from intake import services


@task()
def fetch_article(intake_id):
    """Fetch a queued URL intake and import the page; a refusal is recorded on the intake."""
    intake = services.intake_fetch(intake_id=intake_id)
    return intake.status if intake else None
