import os
import shutil
import subprocess
from pathlib import Path

from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

# A JSON backup holds every table but these. Content types and permissions are rebuilt by `migrate`
# in the database restored into (the backup refers to them by natural key, e.g. in the admin log).
JSON_EXCLUDE = ["contenttypes", "auth.permission", "sessions"]
# Neither format keeps sessions: a session key signs its holder in without the password or the
# two-factor code, so a stolen backup must not carry live ones. After a restore everyone signs in again.
SESSION_TABLE = Session._meta.db_table


class Command(BaseCommand):
    help = (
        "Back up the whole database to a file: pg_dump's custom format on PostgreSQL, a JSON fixture "
        "(dumpdata) otherwise or with --format json. Every table is kept (the admin log, sign-in records, "
        "history included) except sessions: everyone signs in again after a restore. The file holds password "
        "hashes and TOTP secrets: store it as carefully as the database. Restore with `manage.py restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="Output file. Default: backup-<timestamp>.dump or .json.gz")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--format", choices=["auto", "pg", "json"], default="auto")

    def handle(self, *args, path=None, database=DEFAULT_DB_ALIAS, format="auto", **options):
        connection = connections[database]
        if format == "auto":
            format = "pg" if connection.vendor == "postgresql" else "json"
        if format == "pg" and connection.vendor != "postgresql":
            raise CommandError("--format pg needs a PostgreSQL database; use --format json.")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        target = Path(path or f"backup-{stamp}.{'dump' if format == 'pg' else 'json.gz'}")
        if format == "pg":
            pg_dump(connection.settings_dict, target)
        else:
            if not target.name.endswith((".json", ".json.gz", ".json.bz2", ".json.xz")):
                raise CommandError(
                    "A JSON backup's file name must end in .json or .json.gz (loaddata reads it by name)."
                )
            call_command(
                "dumpdata",
                database=database,
                natural_foreign=True,
                use_base_manager=True,  # every row, whatever a model's default manager would filter
                exclude=JSON_EXCLUDE,
                output=str(target),
                verbosity=0,
            )
        self.stdout.write(
            self.style.SUCCESS(f"Backed up database {database!r} to {target} ({target.stat().st_size} bytes).")
        )


def pg_environment(settings_dict):
    """libpq environment variables for a Django PostgreSQL connection, so that no password
    appears on a command line."""
    env = {**os.environ, "PGDATABASE": settings_dict["NAME"]}
    for key, var in [("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")]:
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    return env


def run_pg_tool(tool, arguments, settings_dict):
    executable = shutil.which(tool)
    if executable is None:
        raise CommandError(f"{tool} was not found; install the PostgreSQL client tools (e.g. postgresql-client).")
    result = subprocess.run(  # noqa: S603 - fixed executable, arguments built here, no shell
        [executable, *arguments], env=pg_environment(settings_dict), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise CommandError(f"{tool} failed: {result.stderr.strip()}")
    return result


def pg_dump(settings_dict, target):
    run_pg_tool(
        "pg_dump",
        [
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--exclude-table-data={SESSION_TABLE}",
            f"--file={target}",
        ],
        settings_dict,
    )
