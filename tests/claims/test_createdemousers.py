"""manage.py createdemousers: the demo editor and reviewer of `make run`, never on a production server."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.management.commands.createdemousers import DEMO_USERS

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_createdemousers_refuses_with_debug_off_and_creates_nobody(settings):
    settings.DEBUG = False
    stdout = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("createdemousers", stdout=stdout)
    assert str(refused.value) == (
        "Refusing to create the demo accounts with DEBUG off: their passwords are public, and the demo "
        "reviewer could sign in and publish. They are for `make run` (DEBUG=1) only."
    )
    assert stdout.getvalue() == ""
    assert list(User.objects.values_list("username", flat=True)) == []


def test_createdemousers_creates_the_demo_editor_and_reviewer_in_their_groups(settings):
    settings.DEBUG = True
    stdout = io.StringIO()
    call_command("createdemousers", stdout=stdout)
    users = User.objects.order_by("username")
    assert [
        (user.username, user.get_full_name(), user.is_staff, user.is_superuser, [g.name for g in user.groups.all()])
        for user in users
    ] == [
        ("editor", "Erin Editor", True, False, ["Editors"]),
        ("reviewer", "Rafael Reviewer", True, False, ["Reviewers"]),
    ]
    # The passwords are written only in the command (and printed by it), not repeated here.
    passwords = {username: password for username, password, _group, _name in DEMO_USERS}
    assert all(user.check_password(passwords[user.username]) for user in users)
    assert stdout.getvalue() == (
        f"  Editor    editor / {passwords['editor']}\n  Reviewer  reviewer / {passwords['reviewer']}\n"
    )


def test_createdemousers_run_twice_keeps_one_account_each(settings):
    settings.DEBUG = True
    call_command("createdemousers", stdout=io.StringIO())
    call_command("createdemousers", stdout=io.StringIO())
    assert sorted(User.objects.values_list("username", flat=True)) == ["editor", "reviewer"]
