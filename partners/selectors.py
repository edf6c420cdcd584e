"""Reads of partners' rows. A partner's own rows always start from its key."""

from django.db.models import Prefetch

from partners.models import DatasetVersion, Delivery, DeliveryAttempt, Endpoint, Watch, WatchMatch


def endpoints_of(key):
    return Endpoint.objects.filter(key=key)


def deliveries_of(endpoint):
    """Newest first, with the event and every attempt: two queries for any number."""
    return (
        Delivery.objects.filter(endpoint=endpoint)
        .select_related("event", "endpoint")
        .prefetch_related(Prefetch("log", queryset=DeliveryAttempt.objects.order_by("attempted_at", "pk")))
    )


def watches_of(key):
    """With their matches and the matched claims: two queries for any number."""
    matches = WatchMatch.objects.select_related("claim")
    return Watch.objects.filter(key=key).prefetch_related(Prefetch("matches", queryset=matches))


def dataset_versions():
    return DatasetVersion.objects.all()
