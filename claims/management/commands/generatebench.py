"""Fill the database with a realistic, deterministic body of claims for the benchmark (bench/).

For N published claims: N/20 claimants, 30 topics (1-3 per claim), a published verdict each
(author and reviewer differ), 1-3 appearances each, N/2 sources, evidence, some corrections, a few
retracted claims and 3% drafts or claims in review that must never show. Claim.search_extra,
search_topics and search_analysis are filled as the services fill them, so search behaves as in production.

The rows skip the services on purpose: taking 100,000 claims through the workflow would take an
hour. They are written with explicit, contiguous ids in batches: COPY on PostgreSQL, executemany
elsewhere. History tables are not filled. Each table's id range is recorded in GeneratedRange (one
row per table per run, its own users included), and that record is the only way the command finds
its rows again: --flush deletes exactly the rows inside those ranges, never a real row whose slug
merely looks generated (the slugs still start with "gen-", but only to stay readable and unique).

It refuses to run under production settings (DEBUG off) unless --allow-production-settings is
given: the benchmark runner (bench/run.py) serves with production settings and passes it.
"""

import datetime
import random
import sys
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import IntegrityError, connection, transaction
from django.db.models import NOT_PROVIDED, Q
from django.utils import timezone
from django.utils.text import slugify

from claims.models import (
    Appearance,
    Claim,
    Claimant,
    Correction,
    Evidence,
    GeneratedRange,
    Rating,
    Topic,
    Verdict,
)
from claims.services import content_version_bump
from sources.models import Publisher, Source, normalize_url

PREFIX = "gen-"
BATCH = 10_000

TOPICS = [
    "Economy",
    "Inflation",
    "Jobs",
    "Taxes",
    "Health",
    "Vaccines",
    "Education",
    "Immigration",
    "Crime",
    "Energy",
    "Climate",
    "Housing",
    "Elections",
    "Defence",
    "Ukraine",
    "Middle East",
    "Trade",
    "Agriculture",
    "Transport",
    "Pensions",
    "Budget",
    "Technology",
    "Media",
    "Courts",
    "Environment",
    "Water",
    "Science",
    "Foreign policy",
    "Public safety",
    "Social media",
]
SUBJECTS = [
    "unemployment",
    "inflation",
    "the deficit",
    "crime",
    "wages",
    "emissions",
    "hospital waiting lists",
    "rents",
    "school funding",
    "the debt",
    "petrol prices",
    "migration",
    "exports",
    "vaccination rates",
    "electricity bills",
    "police numbers",
    "child poverty",
    "military spending",
    "grain exports",
    "tax receipts",
    "the ceasefire",
    "troop numbers",
    "pension payments",
    "house prices",
    "broadband coverage",
    "rail fares",
]
VERBS = ["rose", "fell", "doubled", "halved", "tripled", "stayed flat", "hit a record", "dropped sharply", "grew"]
PERIODS = [
    "last year",
    "since 2019",
    "in the past decade",
    "this quarter",
    "under the previous government",
    "in five years",
    "since the war began",
    "over the summer",
    "in two years",
]
PLACES = [
    "a press conference",
    "a televised debate",
    "a campaign rally",
    "an interview",
    "a parliamentary session",
    "a social media post",
    "a radio phone-in",
    "a party conference",
    "a news briefing",
]
FIRST = [
    "Anna",
    "Boris",
    "Carla",
    "Dmitri",
    "Elena",
    "Farid",
    "Greta",
    "Hugo",
    "Irina",
    "Jonas",
    "Katya",
    "Luis",
    "Marta",
    "Nikolai",
    "Olga",
    "Pavel",
    "Quentin",
    "Rosa",
    "Sergei",
    "Tanya",
    "Umar",
    "Vera",
    "Wim",
    "Yulia",
]
LAST = [
    "Adler",
    "Bondarenko",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Horvat",
    "Ivanova",
    "Jansen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Novak",
    "Orlov",
    "Petrenko",
    "Rossi",
    "Schmidt",
    "Tkachenko",
    "Weber",
]
ROLES = [
    "Minister of Finance",
    "Member of Parliament",
    "Mayor",
    "Party leader",
    "Spokesperson",
    "Governor",
    "Senator",
    "President",
    "Prime Minister",
    "Commentator",
    "Union leader",
    "Chief executive",
]
COUNTRIES = ["Ukraine", "Russia", "Germany", "France", "Poland", "United Kingdom", "United States", "Italy"]
CONCLUSIONS = [
    "Official statistics show {s} {v2} rather than {v}.",
    "The figure is close, but it leaves out {s} before {p}.",
    "No published data supports the claim that {s} {v} {p}.",
    "The numbers for {s} confirm the statement.",
    "The claim mixes two different measures of {s}.",
]


class Command(BaseCommand):
    help = "Generate N published claims and everything around them for the benchmark (deterministic)."

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, default=100_000, help="Number of published claims (default 100000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same data.")
        parser.add_argument("--flush", action="store_true", help="First delete what an earlier run generated.")
        parser.add_argument(
            "--flush-only", action="store_true", help="Only delete what earlier runs generated; generate nothing."
        )
        parser.add_argument(
            "--allow-production-settings",
            action="store_true",
            help="Run although DEBUG is off (the benchmark's own database only; bench/run.py passes it).",
        )

    def handle(self, *args, claims, seed, flush, flush_only, allow_production_settings, **options):
        if claims < 1 and not flush_only:
            raise CommandError("--claims must be at least 1.")
        if not settings.DEBUG and not allow_production_settings:
            raise CommandError(
                "Refusing to run with production settings (DEBUG is off): generatebench writes and "
                "deletes rows in bulk, past the editorial workflow. Run it against a development or "
                "benchmark database, or pass --allow-production-settings if this database is one."
            )
        started = time.monotonic()
        try:
            with transaction.atomic():
                if flush or flush_only:
                    flush_generated()
                if not flush_only:
                    if GeneratedRange.objects.exists():
                        raise CommandError("Generated claims already exist; run with --flush to replace them.")
                    Generator(claims, seed, progress=Progress()).run()
                # Public content changed: cached pages of the earlier data must not be served.
                content_version_bump()
        except IntegrityError as exc:
            raise CommandError(
                "The database refused the change, so nothing was written or deleted. Either a generated "
                "row collides with an existing one (a slug, URL or username already taken, e.g. by data "
                "generated before runs were recorded: use a fresh database), or rows that generatebench "
                f"did not write refer to generated ones (delete those first).\n{exc}"
            ) from exc
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                if not flush_only:
                    rebuild_text_indexes(cursor)
                cursor.execute("ANALYZE")
        took = time.monotonic() - started
        if flush_only:
            self.stdout.write(f"Deleted the generated rows in {took:.1f}s.")
        else:
            self.stdout.write(f"Generated {claims:,} published claims in {took:.1f}s.")


def rebuild_text_indexes(cursor):
    """Rebuild the claims' GIN indexes (search vector, trigrams) at once, as a bulk load should.
    Filled row by row during the load, they came out a third larger, with pending entries that made
    the planner price the search index 30 times too high: a search then walked the newest claims by
    id and tested each one's vector (16 ms at 100,000 claims) instead of intersecting the search
    index with the id range (3 ms). ~6 s at 100,000 claims."""
    cursor.execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s AND indexdef LIKE %s",
        [Claim._meta.db_table, "% USING gin %"],
    )
    for (name,) in cursor.fetchall():
        cursor.execute(f"REINDEX INDEX {connection.ops.quote_name(name)}")


class Progress:
    """One line on stderr, rewritten in place."""

    def __init__(self):
        self.last = 0.0

    def __call__(self, label, done, total):
        now = time.monotonic()
        if done < total and now - self.last < 0.2:
            return
        self.last = now
        width = 30
        filled = int(width * done / total) if total else width
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{label:<12} [{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{total:,}{end}")
        sys.stderr.flush()


def generated(model):
    """A filter for the rows of `model` that generatebench wrote (by the recorded id ranges). One query."""
    ranges = GeneratedRange.objects.filter(table=model._meta.db_table).values_list("first_id", "last_id")
    condition = Q(pk__in=[])
    for first, last in ranges:
        condition |= Q(pk__range=(first, last))
    return condition


def _flush_order():
    """Generated tables, children before parents: the order --flush deletes them in."""
    User = get_user_model()
    return [
        Correction,
        Evidence,
        Verdict,
        Appearance,
        Claim.topics.through,
        Claim,
        Source,
        Publisher,
        Claimant,
        Topic,
        User.groups.through,
        User,
    ]


def flush_generated():
    """Delete the rows inside the recorded ranges, children first, with set-based SQL (the ORM's
    cascade would load every row), then the ranges. Nothing outside a range is touched: a row that
    still refers to a generated one makes the database refuse, and the whole run is rolled back."""
    ranges = {}
    for table, first, last in GeneratedRange.objects.values_list("table", "first_id", "last_id"):
        ranges.setdefault(table, []).append((first, last))
    with connection.cursor() as cursor:
        for model in _flush_order():
            table = model._meta.db_table
            if table not in ranges:
                continue
            column = connection.ops.quote_name(model._meta.pk.column)
            where = " OR ".join([f"{column} BETWEEN %s AND %s"] * len(ranges[table]))
            params = [bound for pair in ranges[table] for bound in pair]
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)} WHERE {where}", params)  # noqa: S608 - names from the models
    # Foreign keys are checked at commit; check now, so that a refusal names the row and stops here.
    connection.check_constraints()
    GeneratedRange.objects.all().delete()


class Writer:
    """Insert rows given as dicts of attnames, with explicit ids, as fast as the database allows, and
    remember the id range written to each table."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.written = {}  # model -> [first id, last id, rows]

    def next_id(self, model):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")  # noqa: S608
            return cursor.fetchone()[0] + 1

    def write(self, model, rows):
        if not rows:
            return
        columns = list(rows[0])
        self.check_columns(model, columns)
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
        with connection.cursor() as cursor:
            if self.postgres:
                # The raw psycopg cursor: wrapped so that its errors arrive as Django's (IntegrityError).
                with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(tuple(row.values()))
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", [tuple(r.values()) for r in rows])  # noqa: S608
        self.remember(model, [row["id"] for row in rows])

    @staticmethod
    def check_columns(model, columns):
        # A NOT NULL column added to a model later would otherwise fail deep inside COPY; say which.
        missing = [
            f.column
            for f in model._meta.concrete_fields
            if not f.null and f.attname not in columns and f.db_default is NOT_PROVIDED
        ]
        if missing:
            raise CommandError(
                f"generatebench does not write {model._meta.db_table}.{', '.join(missing)}: give the new "
                "column a value in claims/management/commands/generatebench.py."
            )

    def remember(self, model, ids):
        first, last, count = self.written.get(model, (ids[0], ids[0] - 1, 0))
        if ids[0] != last + 1 or ids != list(range(ids[0], ids[0] + len(ids))):
            raise CommandError(f"generatebench wrote non-contiguous ids to {model._meta.db_table}.")
        self.written[model] = (first, ids[-1], count + len(ids))

    def record_ranges(self):
        """One GeneratedRange per table written: how --flush and the benchmark find these rows."""
        GeneratedRange.objects.bulk_create(
            GeneratedRange(table=model._meta.db_table, first_id=first, last_id=last)
            for model, (first, last, _count) in self.written.items()
        )

    def reset_sequences(self):
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(self.written)):
                cursor.execute(sql)


class Generator:
    def __init__(self, claims, seed, *, progress):
        self.n = claims
        self.rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
        self.progress = progress
        self.writer = Writer()
        self.now = timezone.now().replace(microsecond=0)
        self.epoch = datetime.date(2015, 1, 1)

    def run(self):
        self.users()
        self.ratings = {
            scale: list(Rating.objects.filter(scale=scale).values_list("pk", flat=True))
            for scale in Rating.Scale.values
        }
        if not all(self.ratings.values()):
            raise CommandError("Ratings are missing: run `manage.py migrate` first.")
        self.topic_ids = self.topics()
        self.claimants = self.claimant_rows()
        self.publishers = self.publisher_rows()
        self.source_first, self.source_count = self.sources()
        self.claims()
        self.writer.reset_sequences()
        self.writer.record_ranges()

    def users(self):
        """Four authors (Editors) and four reviewers (Reviewers), written like every other row so
        that their ids are recorded and --flush removes them too."""
        User = get_user_model()
        groups = dict(Group.objects.filter(name__in=["Editors", "Reviewers"]).values_list("name", "pk"))
        if len(groups) != 2:
            raise CommandError("The Editors and Reviewers groups are missing: run `manage.py migrate` first.")
        first, link = self.writer.next_id(User), self.writer.next_id(User.groups.through)
        self.authors, self.reviewers, users, links = [], [], [], []
        for i in range(1, 5):
            for role, group, bucket in (("author", "Editors", self.authors), ("reviewer", "Reviewers", self.reviewers)):
                user_id = first + len(users)
                users.append(
                    {
                        "id": user_id,
                        "password": make_password(None),  # unusable: nobody signs in as a generated user
                        "last_login": None,
                        "is_superuser": False,
                        "username": f"{PREFIX}{role}-{i}",
                        "first_name": "",
                        "last_name": "",
                        "email": "",
                        "is_staff": True,
                        "is_active": True,
                        "date_joined": self.now,
                    }
                )
                links.append({"id": link + len(links), "user_id": user_id, "group_id": groups[group]})
                bucket.append(user_id)
        self.writer.write(User, users)
        self.writer.write(User.groups.through, links)

    def topics(self):
        first = self.writer.next_id(Topic)
        rows = [
            {
                "id": first + i,
                "name": f"{name} (generated)",
                "slug": f"{PREFIX}{slugify(name)}",
                "description": f"Claims about {name.lower()}.",
                "featured": i < 6,
                "version": 1,
            }
            for i, name in enumerate(TOPICS)
        ]
        self.writer.write(Topic, rows)
        self.topic_names = {r["id"]: r["name"] for r in rows}
        return [r["id"] for r in rows]

    def claimant_rows(self):
        count = max(1, self.n // 20)
        first = self.writer.next_id(Claimant)
        rng, rows = self.rng, []
        for i in range(count):
            org = rng.random() < 0.15
            name = f"{rng.choice(LAST)} Institute {i}" if org else f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"
            rows.append(
                {
                    "id": first + i,
                    "kind": "organization" if org else "person",
                    "name": name,
                    "slug": f"{PREFIX}{slugify(name)}",
                    "role": "" if org else rng.choice(ROLES),
                    "affiliation": rng.choice(["", "Union Party", "Green Alliance", "Liberal Front", "Independent"]),
                    "country": rng.choice(COUNTRIES),
                    "wikidata_id": "",
                    "description": f"{name}, a frequent claimant.",
                    "created_at": self.now,
                    "updated_at": self.now,
                    "version": 1,
                }
            )
        self.writer.write(Claimant, rows)
        self.progress("claimants", count, count)
        return [(r["id"], r["name"]) for r in rows]

    def publisher_rows(self):
        count = max(5, min(300, self.n // 300))
        first = self.writer.next_id(Publisher)
        rows = [
            {
                "id": first + i,
                "name": f"Daily Record {i}",
                "slug": f"{PREFIX}publisher-{i}",
                "domain": f"gen-news{i}.example",
                "created_at": self.now,
                "updated_at": self.now,
                "version": 1,
            }
            for i in range(count)
        ]
        self.writer.write(Publisher, rows)
        return [(r["id"], r["domain"]) for r in rows]

    def sources(self):
        count = max(2, self.n // 2)
        first = self.writer.next_id(Source)
        rng, kinds = self.rng, Source.Kind.values
        for start in range(0, count, BATCH):
            rows = []
            for i in range(start, min(count, start + BATCH)):
                pub_id, domain = rng.choice(self.publishers)
                day = self.day()
                url = f"https://{domain}/{day.year}/{day.month:02d}/story-{i}"
                rows.append(
                    {
                        "id": first + i,
                        "title": f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(VERBS)} {rng.choice(PERIODS)}, report {i}",
                        "slug": f"{PREFIX}source-{i}",
                        "kind": rng.choice(kinds),
                        "url": url,
                        "normalized_url": normalize_url(url),
                        "publisher_id": pub_id,
                        "author": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        "published_on": day,
                        "accessed_on": day + datetime.timedelta(days=rng.randint(0, 30)),
                        "language": "en",
                        "archive_url": "",
                        "snapshot_text": "",
                        "snapshot_sha256": "",
                        "captured_at": None,
                        "created_at": self.now,
                        "updated_at": self.now,
                        "version": 1,
                    }
                )
            self.writer.write(Source, rows)
            self.progress("sources", min(count, start + BATCH), count)
        return first, count

    def day(self):
        return self.epoch + datetime.timedelta(days=self.rng.randint(0, 3650))

    def claims(self):
        unpublished = max(1, self.n * 3 // 100)
        retracted = self.n // 500
        total = self.n + unpublished + retracted
        ids = {
            m: self.writer.next_id(m) for m in (Claim, Claim.topics.through, Verdict, Appearance, Evidence, Correction)
        }
        statuses = [Verdict.Status.PUBLISHED] * self.n + [Verdict.Status.RETRACTED] * retracted
        statuses += [Verdict.Status.DRAFT if i % 2 else Verdict.Status.IN_REVIEW for i in range(unpublished)]
        self.rng.shuffle(statuses)
        for start in range(0, total, BATCH):
            tables = {m: [] for m in ids}
            for i in range(start, min(total, start + BATCH)):
                self.claim(i, statuses[i], ids, tables)
            for model in (Claim, Claim.topics.through, Verdict, Appearance, Evidence, Correction):
                self.writer.write(model, tables[model])
            self.progress("claims", min(total, start + BATCH), total)

    def claim(self, i, status, ids, tables):
        rng = self.rng
        claim_id = ids[Claim] + i
        claimant_id, claimant_name = self.claimants[int(len(self.claimants) * rng.random() ** 1.5)]
        pledge = rng.random() < 0.1
        subject, verb, period = rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(PERIODS)
        number = rng.randint(2, 95)
        text = (
            f"{'We will make sure' if pledge else 'Under this government'} {subject} {verb} by {number} percent "
            f"{period}, and {rng.choice(SUBJECTS)} {rng.choice(VERBS)} as well."
        )
        conclusion = rng.choice(CONCLUSIONS).format(s=subject, v=verb, v2=rng.choice(VERBS), p=period)
        analysis = f"We compared the claim with **official data** on {subject}.\n\n{text}"
        made_on = self.day()
        created = datetime.datetime.combine(made_on, datetime.time(rng.randint(6, 20)), tzinfo=datetime.UTC)
        published = created + datetime.timedelta(days=rng.randint(1, 20))
        tables[Claim].append(
            {
                "id": claim_id,
                "title": f"{claimant_name.split(' ')[0]} says {subject} {verb} {period} ({i})",
                "slug": f"{PREFIX}claim-{i}",
                "text": text,
                "claim_reviewed": "",
                "kind": "pledge" if pledge else "statement",
                "claimant_id": claimant_id,
                "unattributed": False,
                "made_on": made_on,
                "made_at": rng.choice(PLACES),
                "language": "en",
                "search_extra": f"{claimant_name} {conclusion}",
                "search_topics": "",
                "search_analysis": analysis,
                "created_at": created,
                "updated_at": published,
                "created_by_id": None,
                "updated_by_id": None,
                "version": 1,
                "revision_hash": "",
            }
        )
        topic_ids = rng.sample(self.topic_ids, rng.choice((1, 1, 2, 2, 3)))
        tables[Claim][-1]["search_topics"] = " ".join(sorted(self.topic_names[t] for t in topic_ids))
        for topic_id in topic_ids:
            tables[Claim.topics.through].append(
                {"id": ids[Claim.topics.through], "claim_id": claim_id, "topic_id": topic_id}
            )
            ids[Claim.topics.through] += 1
        verdict_id = ids[Verdict] + i
        public = status in Verdict.PUBLIC_STATUSES
        author = rng.choice(self.authors)
        tables[Verdict].append(
            {
                "id": verdict_id,
                "claim_id": claim_id,
                "rating_id": rng.choice(self.ratings["pledge" if pledge else "veracity"]),
                "conclusion": conclusion,
                "analysis": analysis,
                "status": status,
                "author_id": author,
                "last_edited_by_id": author,
                "reviewer_id": self.reviewers[self.authors.index(author)] if public else None,
                "submitted_at": created if status != Verdict.Status.DRAFT else None,
                "published_at": published if public else None,
                "retracted_at": published if status == Verdict.Status.RETRACTED else None,
                "retraction_note": "The source was a forgery." if status == Verdict.Status.RETRACTED else "",
                "return_comment": "",
                "scheduled_revision": "",
                "created_at": created,
                "updated_at": published,
                "version": 3 if public else 1,
            }
        )
        sources = rng.sample(range(self.source_count), min(self.source_count, rng.choice((1, 2, 2, 3))))
        for position, offset in enumerate(sources):
            tables[Appearance].append(
                {
                    "id": ids[Appearance],
                    "claim_id": claim_id,
                    "source_id": self.source_first + offset,
                    "quote": text,
                    "seen_on": made_on + datetime.timedelta(days=position),
                    "is_first": position == 0,
                }
            )
            ids[Appearance] += 1
        for position, offset in enumerate(sources[:2]):
            tables[Evidence].append(
                {
                    "id": ids[Evidence],
                    "verdict_id": verdict_id,
                    "source_id": self.source_first + offset,
                    "note": f"Shows the figures for {subject}.",
                    "position": position,
                }
            )
            ids[Evidence] += 1
        self.corrections(verdict_id, status, published, ids, tables)

    def corrections(self, verdict_id, status, published, ids, tables):
        kind = None
        if status == Verdict.Status.RETRACTED:
            kind = Correction.Kind.RETRACTION
        elif status == Verdict.Status.PUBLISHED and self.rng.random() < 0.02:
            kind = self.rng.choice([Correction.Kind.CORRECTION, Correction.Kind.CLARIFICATION, Correction.Kind.UPDATE])
        if kind is None:
            return
        tables[Correction].append(
            {
                "id": ids[Correction],
                "verdict_id": verdict_id,
                "kind": kind,
                "note": "A figure in the analysis was corrected.",
                "old_rating_id": None,
                "new_rating_id": None,
                "old_conclusion": "",
                "created_at": published + datetime.timedelta(days=2),
                "created_by_id": self.reviewers[0],
            }
        )
        ids[Correction] += 1
