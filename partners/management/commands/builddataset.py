"""Build a version of the bulk dataset now (the queue rebuilds it by itself after changes)."""

from django.core.management.base import BaseCommand

from partners import services


class Command(BaseCommand):
    help = "Build a new version of the bulk dataset (/data/) unless nothing changed since the latest."

    def handle(self, *args, **options):
        version = services.dataset_build()
        if version is None:
            self.stdout.write("Nothing changed since the latest version (or nothing is published): no new version.")
        else:
            self.stdout.write(f"Version {version.version}: {version.items} checks.")
