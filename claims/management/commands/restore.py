from pathlib import Path

from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from claims.management.commands.backup import run_pg_tool
from claims.models import Claim, Verdict
from sources.models import Source

PG_DUMP_MAGIC = b"PGDMP"


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`. A pg_dump file replaces everything in the "
        "PostgreSQL database; a JSON backup is loaded into a migrated database that has no claims, "
        "verdicts or sources yet (this command runs the migrations first). Backups hold no sessions: "
        "everyone signs in again."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, path, database=DEFAULT_DB_ALIAS, interactive=True, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"No backup file at {source}.")
        connection = connections[database]
        name = connection.settings_dict["NAME"]
        if interactive and input(f"This replaces the data in database {name!r}. Type 'yes' to continue: ") != "yes":
            raise CommandError("Restore cancelled.")
        with source.open("rb") as handle:
            is_pg_dump = handle.read(len(PG_DUMP_MAGIC)) == PG_DUMP_MAGIC
        if is_pg_dump:
            self._restore_pg(connection, source)
        else:
            self._restore_json(database, source)
        # Public caches are keyed on the content version, which the restore may have set back.
        for cache in caches.all(initialized_only=False):
            cache.clear()
        self.stdout.write(self.style.SUCCESS(f"Restored {source} into database {name!r}."))

    def _restore_pg(self, connection, source):
        if connection.vendor != "postgresql":
            raise CommandError("This is a pg_dump backup: it can only be restored into PostgreSQL.")
        connection.close()
        run_pg_tool(
            "pg_restore",
            [
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(source),
            ],
            connection.settings_dict,
        )

    def _restore_json(self, database, source):
        call_command("migrate", database=database, interactive=False, verbosity=0)
        for model in (Claim, Verdict, Source):
            if model.objects.using(database).exists():
                raise CommandError(
                    f"The database already holds {model._meta.verbose_name_plural}: restore a JSON backup into an "
                    "empty database (create a new one, point DATABASE_URL at it, run restore)."
                )
        with transaction.atomic(using=database):
            call_command("loaddata", str(source), database=database, verbosity=0)
