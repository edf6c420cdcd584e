"""Back up a seeded database, restore it into an empty one, and find every record unchanged: every
table of every app, the admin log and the accounts' tables included."""

import contextlib

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import ADDITION
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.db.utils import load_backend
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains

from claims import services
from claims.models import APIKey, Claim, Correction, GeneratedRange, Rating, Verdict
from sources.models import Source
from tests.factories import UserFactory, correct, make_verdict

RESTORE_ALIAS = "restore_target"


# Every table is compared after a restore (apps.get_models(), django.contrib and third-party apps and
# the many-to-many tables included) except these, each for its reason:
NOT_BACKED_UP = {
    # A session key is a bearer credential that stands in for the password and the two-factor code:
    # neither format backs sessions up, so a stolen backup opens no session; after a restore
    # everyone signs in again.
    "sessions.Session",
}
# `migrate` builds these in the database a JSON backup is restored into, with ids of its own; the
# backup refers to them by natural key. They are compared by natural key, and so is every foreign
# key to them.
BUILT_BY_MIGRATE = {"contenttypes.ContentType", "auth.Permission"}


def _models():
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.label not in NOT_BACKED_UP]


def _natural_keys(alias):
    keys = {}
    for label in BUILT_BY_MIGRATE:
        manager = apps.get_model(label)._base_manager.using(alias)
        if label == "auth.Permission":
            manager = manager.select_related("content_type")
        keys[label] = {obj.pk: obj.natural_key() for obj in manager.all()}
    return keys


def _rows(model, alias, keys):
    rows = []
    for values in model._base_manager.using(alias).order_by("pk").values():
        for field in model._meta.concrete_fields:
            target = field.related_model._meta.label if field.is_relation else None
            if target in BUILT_BY_MIGRATE and values[field.attname] is not None:
                values[field.attname] = keys[target][values[field.attname]]
        rows.append(values)
    # The id of a many-to-many row refers to nothing, and a JSON backup keeps only the pairs.
    if model._meta.label in BUILT_BY_MIGRATE or model._meta.auto_created:
        rows = sorted(({k: v for k, v in row.items() if k != "id"} for row in rows), key=repr)
    return rows


def _snapshot(alias):
    keys = _natural_keys(alias)
    return {model._meta.label: _rows(model, alias, keys) for model in _models()}


def _seed_admin_log_and_accounts(client, reviewer):
    """What only the admin, sign-ins and two-factor set-up write: the admin log (a partner's API key
    created there, then revoked), a sign-in record, a TOTP device."""
    response = client.post("/admin/login/", {"username": reviewer.username, "password": "wrong"})
    assert response.context["form"].errors["__all__"][0].startswith("Please enter the correct username")
    response = client.post(
        "/admin/login/?next=/admin/", {"username": reviewer.username, "password": "correct-horse-battery"}
    )
    assert response["Location"] == "/admin/"
    response = client.post("/admin/claims/apikey/add/", {"name": "Example Newsroom", "contact_email": ""})
    assert response["Location"] == "/admin/claims/apikey/"
    key = APIKey.objects.get()
    response = client.post(
        "/admin/claims/apikey/", {"action": "revoke", "_selected_action": [key.pk], "index": 0}, follow=True
    )
    assertContains(response, "1 key revoked.")
    assert APIKey.objects.get().revoked_at is not None
    TOTPDevice.objects.create(user=UserFactory(username="backup-editor", group="Editors"), name="phone")
    reviewer.user_permissions.add(Permission.objects.get(codename="view_logentry"))
    # Rows no request leaves at these settings (the sign-in cleared the failure count; axes keeps no
    # failure log or expiry by default), written here so that the comparison covers their tables.
    attempt = AccessAttempt.objects.create(username="someone", failures_since_start=1, get_data="", post_data="")
    AccessAttemptExpiration.objects.create(access_attempt=attempt, expires_at=timezone.now())
    AccessFailureLog.objects.create(username="someone", attempt_time=timezone.now(), locked_out=False)
    GeneratedRange.objects.create(table="claims_claim", first_id=900, last_id=901)


def _seed_desk_and_queue(reviewer):
    """The desk's rows and a job waiting in the database task queue."""
    from django_tasks_db.models import DBTaskResult

    from desk.models import Assignment, Comment, NotificationPreference, Tip

    claim = Claim.objects.get(slug="draft-claim")
    editor = UserFactory(username="backup-desk-editor", group="Editors")
    Assignment.objects.create(claim=claim, editor=editor, reviewer=reviewer, assigned_by=reviewer)
    Comment.objects.create(claim=claim, author=reviewer, body="Check the second source.")
    Tip.objects.create(text="A tip from a reader.", email="reader@example.org")
    NotificationPreference.objects.create(user=editor, tip=False)
    DBTaskResult.objects.create(
        task_path="claims.tasks.publish_scheduled",
        args_kwargs={"args": [1, "2030-01-01T00:00:00+00:00"], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        run_after=timezone.now(),
    )


def _seed_intake(reviewer):
    """An imported article with its ranked sentences."""
    from intake import services as intake_services

    seed = settings.BASE_DIR / "seeds" / "putin-ceasefire-offer-article.txt"
    intake_services.intake_from_text(text=seed.read_text(encoding="utf-8"), by=reviewer)


def _seed_partners(reviewer):
    """A partner's webhook endpoint with a delivered message and its log, a watch that matched, and
    a version of the dataset (the rows only: no file is part of a backup)."""
    from partners.models import (
        DatasetSchedule,
        DatasetVersion,
        Delivery,
        DeliveryAttempt,
        Endpoint,
        Event,
        Watch,
        WatchMatch,
    )

    key = APIKey.objects.get()  # the one the admin made (_seed_admin_log_and_accounts)
    endpoint = Endpoint.objects.create(
        key=key, url="https://93.184.215.14/hook", events=["verdict.published"], secret="whsec_c2VjcmV0"
    )
    claim = Claim.objects.get(slug="corrected-claim")
    now = timezone.now()
    event = Event.objects.create(
        type="verdict.published", payload='{"type": "verdict.published"}', claim=claim, occurred_at=now
    )
    delivery = Delivery.objects.create(
        event=event, endpoint=endpoint, status="delivered", next_attempt_at=None, delivered_at=now
    )
    DeliveryAttempt.objects.create(delivery=delivery, attempted_at=now, status_code=204, duration_ms=12)
    watch = Watch.objects.create(key=key, text="Bread prices doubled", external_id="cms-1")
    WatchMatch.objects.create(watch=watch, claim=claim, score=0.75, matched_at=now)
    DatasetVersion.objects.create(
        version="2026-11-24",
        created_at=now,
        items=1,
        license_name="CC BY 4.0",
        license_url="https://creativecommons.org/licenses/by/4.0/",
        files=[{"name": "factcheck-2026-11-24.jsonl", "format": "jsonl", "size": 10, "sha256": "0" * 64}],
    )
    DatasetSchedule.objects.create(pk=1, build_due_at=now)


def _seed(client):
    reviewer = UserFactory(username="backup-reviewer", group="Reviewers")
    call_command("loadseeds", "--reviewer", reviewer.username, verbosity=0)
    corrected = make_verdict(reviewer=reviewer, slug="corrected-claim")
    correct(
        verdict=corrected,
        note="The figure was for 2023, not 2024.",
        by=reviewer,
        rating=Rating.objects.get(slug="mostly-false"),
        conclusion="Mostly inaccurate.",
    )
    make_verdict(Verdict.Status.RETRACTED, reviewer=reviewer, slug="retracted-claim")
    make_verdict(Verdict.Status.DRAFT, slug="draft-claim")
    rating = Rating.objects.get(slug="false")
    rating.description = "Not accurate: the evidence contradicts it."
    services.reference_save(obj=rating, by=reviewer, expected_version=rating.version)
    _seed_admin_log_and_accounts(client, reviewer)
    _seed_desk_and_queue(reviewer)
    _seed_intake(reviewer)
    _seed_partners(reviewer)


@contextlib.contextmanager
def _extra_database(settings_dict):
    """A connection to a second database, made by hand: Django's test case allows such dynamically
    created connections, not configured aliases it does not manage."""
    connections[RESTORE_ALIAS] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, RESTORE_ALIAS)
    try:
        yield RESTORE_ALIAS
    finally:
        connections[RESTORE_ALIAS].close()
        del connections[RESTORE_ALIAS]


@contextlib.contextmanager
def _empty_database(tmp_path):
    if connection.vendor == "sqlite":
        with _extra_database({**connection.settings_dict, "NAME": str(tmp_path / "restored.sqlite3")}) as alias:
            yield alias
        return
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        with _extra_database({**connection.settings_dict, "NAME": name}) as alias:
            yield alias
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _assert_seeded(original):
    assert len(original["claims.Claim"]) == 7
    # One correction from the seeds, one made here, one retraction.
    assert sorted(row["kind"] for row in original["claims.Correction"]) == [
        Correction.Kind.RATING_CHANGE,
        Correction.Kind.RATING_CHANGE,
        Correction.Kind.RETRACTION,
    ]
    assert len(original["claims.HistoricalVerdict"]) > len(original["claims.Verdict"])
    assert len(original["sources.Source"]) == Source.objects.count() > 0
    # The key's creation; the admin's "Revoke" action writes no log entry of its own (yet).
    assert [(row["action_flag"], row["object_repr"]) for row in original["admin.LogEntry"]] == [
        (ADDITION, f"Example Newsroom ({APIKey.objects.get().prefix}…)"),
    ]
    # The seed reaches every table, so that a table a backup leaves out cannot pass unnoticed.
    empty = [label for label, rows in original.items() if not rows]
    assert empty == [], "give these tables a row in _seed(), so that the backup test covers them"
    assert Session.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("backup_format", ["json", "pg"])
def test_backup_restores_every_record_unchanged(client, tmp_path, backup_format):
    if backup_format == "pg" and connection.vendor != "postgresql":
        pytest.skip("pg_dump/pg_restore back up PostgreSQL only; SQLite uses the JSON format")
    _seed(client)
    original = _snapshot("default")
    _assert_seeded(original)
    path = tmp_path / ("site.dump" if backup_format == "pg" else "site.json.gz")
    call_command("backup", str(path), format=backup_format, verbosity=0)
    with _empty_database(tmp_path) as alias:
        call_command("restore", str(path), database=alias, interactive=False, verbosity=0)
        restored = _snapshot(alias)
        for label, rows in original.items():
            assert restored[label] == rows, label
        assert list(Session.objects.using(alias).all()) == []
        assert Claim.objects.using(alias).published().count() == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_json_restore_into_another_database_leaves_the_default_one_unchanged(tmp_path):
    rating = Rating.objects.get(slug="false")
    rating.description = "Not accurate: the evidence contradicts it."
    rating.save()
    before = _snapshot("default")
    path = tmp_path / "site.json"
    call_command("backup", str(path), format="json", verbosity=0)
    with _empty_database(tmp_path) as alias:
        call_command("restore", str(path), database=alias, interactive=False, verbosity=0)
    after = _snapshot("default")
    assert [label for label in before if after[label] != before[label]] == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_json_restore_refuses_a_database_that_already_has_claims(tmp_path):
    make_verdict(slug="already-here")
    path = tmp_path / "site.json"
    call_command("backup", str(path), format="json", verbosity=0)
    with pytest.raises(CommandError, match="The database already holds claims: restore a JSON backup into an empty"):
        call_command("restore", str(path), interactive=False, verbosity=0)
    assert list(Claim.objects.values_list("slug", flat=True)) == ["already-here"]


def test_json_backup_needs_a_json_file_name(tmp_path, db):
    with pytest.raises(CommandError, match=r"must end in \.json or \.json\.gz"):
        call_command("backup", str(tmp_path / "site.bak"), format="json", verbosity=0)


def test_restore_of_a_missing_file_says_so(tmp_path, db):
    with pytest.raises(CommandError, match="No backup file at"):
        call_command("restore", str(tmp_path / "nothing.json"), interactive=False, verbosity=0)
