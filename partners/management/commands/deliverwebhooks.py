"""Send every webhook message that is due now, endpoint by endpoint (each in order). The queue
does this by itself; this is for a queue that lost a job (a worker killed mid-delivery) or cannot
defer retries: run it now and then, e.g. from cron, with the same settings as the site."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from partners import delivery
from partners.models import Delivery


class Command(BaseCommand):
    help = "Send the webhook messages that are due, in order per endpoint."

    def handle(self, *args, **options):
        due = (
            Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=timezone.now())
            .filter(endpoint__enabled=True)
            .values_list("endpoint_id", flat=True)
            .distinct()
        )
        endpoints = sorted(set(due))
        for endpoint_id in endpoints:
            delivery.drain(endpoint_id)
        self.stdout.write(f"Endpoints with messages due: {len(endpoints)}.")
