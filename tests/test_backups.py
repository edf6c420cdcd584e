"""Back up a seeded database, restore it into an empty one, and find every record unchanged."""

import contextlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.db.utils import load_backend

from claims.models import Claim, Correction, Rating, Verdict
from sources.models import Source
from tests.factories import UserFactory, correct, make_verdict

RESTORE_ALIAS = "restore_target"


def _models():
    """Every model of our two apps, their history tables included, plus the accounts."""
    return [
        *apps.get_app_config("claims").get_models(),
        *apps.get_app_config("sources").get_models(),
        apps.get_model("auth", "User"),
        apps.get_model("auth", "Group"),
    ]


def _snapshot(alias):
    return {model._meta.label: list(model.objects.using(alias).order_by("pk").values()) for model in _models()}


def _seed():
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


def _assert_restored_unchanged(alias):
    original, restored = _snapshot("default"), _snapshot(alias)
    assert len(original["claims.Claim"]) == 7
    # One correction from the seeds, one made here, one retraction.
    assert sorted(row["kind"] for row in original["claims.Correction"]) == [
        Correction.Kind.RATING_CHANGE,
        Correction.Kind.RATING_CHANGE,
        Correction.Kind.RETRACTION,
    ]
    assert len(original["claims.HistoricalVerdict"]) > len(original["claims.Verdict"])
    assert len(original["sources.Source"]) == Source.objects.count() > 0
    for label, rows in original.items():
        assert restored[label] == rows, label


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("backup_format", ["json", "pg"])
def test_backup_restores_every_record_unchanged(tmp_path, backup_format):
    if backup_format == "pg" and connection.vendor != "postgresql":
        pytest.skip("pg_dump/pg_restore back up PostgreSQL only; SQLite uses the JSON format")
    _seed()
    path = tmp_path / ("site.dump" if backup_format == "pg" else "site.json.gz")
    call_command("backup", str(path), format=backup_format, verbosity=0)
    with _empty_database(tmp_path) as alias:
        call_command("restore", str(path), database=alias, interactive=False, verbosity=0)
        _assert_restored_unchanged(alias)
        assert Claim.objects.using(alias).published().count() == Claim.objects.published().count() == 3


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
