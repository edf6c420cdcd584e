from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

DEMO_USERS = [
    # username, password, group, name
    ("editor", "editor-demo-pass", "Editors", ("Erin", "Editor")),
    ("reviewer", "reviewer-demo-pass", "Reviewers", ("Rafael", "Reviewer")),
]


class Command(BaseCommand):
    help = "Create the demo editor and reviewer for `make run` (development only) and print their credentials."

    def handle(self, *args, **options):
        User = get_user_model()
        for username, password, group, (first, last) in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username, defaults={"first_name": first, "last_name": last})
            user.is_staff = True
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=group))
            self.stdout.write(f"  {group[:-1]:<9} {username} / {password}")
