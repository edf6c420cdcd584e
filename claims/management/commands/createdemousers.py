from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# The only place these passwords are written: `make run` prints them from here.
DEMO_USERS = [
    # username, password, group, name
    ("editor", "editor-demo-pass", "Editors", ("Erin", "Editor")),
    ("reviewer", "reviewer-demo-pass", "Reviewers", ("Rafael", "Reviewer")),
]


class Command(BaseCommand):
    help = (
        "Create the demo editor and reviewer for `make run` and print their credentials. "
        "Refuses to run with DEBUG off: the passwords are public."
    )

    def handle(self, *args, **options):
        # A reviewer with a published password on a production server could sign in and publish.
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create the demo accounts with DEBUG off: their passwords are public, and the demo "
                "reviewer could sign in and publish. They are for `make run` (DEBUG=1) only."
            )
        User = get_user_model()
        with transaction.atomic():
            for username, password, group, (first, last) in DEMO_USERS:
                user, _ = User.objects.get_or_create(
                    username=username, defaults={"first_name": first, "last_name": last}
                )
                user.is_staff = True
                # An example.org address (reserved for examples): `make run` prints their emails.
                user.email = f"{username}@example.org"
                user.set_password(password)
                user.save()
                user.groups.add(Group.objects.get(name=group))
                self.stdout.write(f"  {group[:-1]:<9} {username} / {password}")
