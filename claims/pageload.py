"""A claim with everything its page or API item shows, in one query on PostgreSQL.

The ORM needs five queries for it (the claim with its claimant, verdict, rating and bylines, then
its topics, appearances, evidence and corrections), and a profile of the cold claim page at 100,000
claims showed that writing those five queries and building their rows cost more than the database
took to answer them: the ORM's SQL compilation and prefetch machinery was ~8 ms of a ~20 ms page,
the database well under 1 ms. So on PostgreSQL one statement, written once per process and prepared
by psycopg after its fifth run (settings.DATABASE_SERVER_SIDE_BINDING), returns the claim's row and
its related rows as JSON, and the model instances are built from it with the same related-object
and prefetch caches the ORM would have filled: every caller (templates, claimreview, serializers)
reads them exactly as before. SQLite (`make run`) keeps the ORM's five queries.

tests/claims/test_pageload.py checks that both ways give the same instances, field by field.
"""

import datetime
import json
from functools import cache

from django.contrib.auth import get_user_model
from django.db import connections, models

from claims.models import Appearance, Claim, Claimant, ContentVersion, Correction, Evidence, Rating, Topic, Verdict
from organisation.models import StaffProfile
from sources.models import Publisher, Source


def supported(alias):
    return connections[alias].vendor == "postgresql"


def _columns(model):
    """Concrete fields, as (field, column), of `model`: what a row of it carries."""
    return [(f, f.column) for f in model._meta.concrete_fields]


def _row_json(model, alias):
    """SQL for one row of `model`'s table (under `alias`) as a JSON object of its concrete columns
    only: the claim's generated search vector and the account's password hash stay behind."""
    parts = ", ".join(f"'{column}', {alias}.\"{column}\"" for _f, column in _columns(model))
    return f"json_build_object({parts})"


@cache
def _statement(statuses_key):
    """The one statement for a claim by slug whose verdict has one of the given statuses. Built from
    the models' metadata once per process, so it follows their columns."""
    user = get_user_model()
    t = {m: m._meta.db_table for m in (Claim, Verdict, Claimant, Rating, Topic, Appearance, Evidence, Correction)}
    t.update(source=Source._meta.db_table, publisher=Publisher._meta.db_table)
    t.update(user=user._meta.db_table, profile=StaffProfile._meta.db_table)
    through = Claim.topics.through._meta.db_table
    version = ContentVersion._meta.db_table
    placeholders = ", ".join(["%s"] * len(statuses_key))
    row = _row_json
    # Only table and column names from the models' metadata go into the text; values are parameters.
    return f"""
SELECT
  {row(Claim, "c")}, {row(Verdict, "v")}, {row(Claimant, "cl")}, {row(Rating, "r")},
  {row(user, "au")}, {row(StaffProfile, "ap")}, {row(user, "ru")}, {row(StaffProfile, "rp")},
  (SELECT coalesce(json_agg({row(Topic, "t")} ORDER BY t.name, t.id), '[]')
     FROM "{t[Topic]}" t JOIN "{through}" ct ON ct.topic_id = t.id WHERE ct.claim_id = c.id),
  (SELECT coalesce(json_agg(json_build_array({row(Appearance, "a")}, {row(Source, "s")}, {row(Publisher, "p")})
                            ORDER BY a.seen_on, a.id), '[]')
     FROM "{t[Appearance]}" a JOIN "{t["source"]}" s ON s.id = a.source_id
     LEFT JOIN "{t["publisher"]}" p ON p.id = s.publisher_id WHERE a.claim_id = c.id),
  (SELECT coalesce(json_agg(json_build_array({row(Evidence, "e")}, {row(Source, "s")}, {row(Publisher, "p")})
                            ORDER BY e.position, e.id), '[]')
     FROM "{t[Evidence]}" e JOIN "{t["source"]}" s ON s.id = e.source_id
     LEFT JOIN "{t["publisher"]}" p ON p.id = s.publisher_id WHERE e.verdict_id = v.id),
  (SELECT coalesce(json_agg(json_build_array({row(Correction, "k")}, {row(Rating, "o")}, {row(Rating, "n")})
                            ORDER BY k.created_at, k.id), '[]')
     FROM "{t[Correction]}" k LEFT JOIN "{t[Rating]}" o ON o.id = k.old_rating_id
     LEFT JOIN "{t[Rating]}" n ON n.id = k.new_rating_id WHERE k.verdict_id = v.id),
  (SELECT number FROM "{version}" WHERE id = 1), (SELECT changed_at FROM "{version}" WHERE id = 1)
FROM "{t[Claim]}" c
JOIN "{t[Verdict]}" v ON v.claim_id = c.id
LEFT JOIN "{t[Claimant]}" cl ON cl.id = c.claimant_id
LEFT JOIN "{t[Rating]}" r ON r.id = v.rating_id
LEFT JOIN "{t["user"]}" au ON au.id = v.author_id
LEFT JOIN "{t["profile"]}" ap ON ap.user_id = au.id
LEFT JOIN "{t["user"]}" ru ON ru.id = v.reviewer_id
LEFT JOIN "{t["profile"]}" rp ON rp.user_id = ru.id
WHERE c.slug = %s AND v.status IN ({placeholders})
"""  # noqa: S608


def load(slug, statuses, alias, corrections_newest_first=False):
    """The claim at `slug` whose verdict's status is one of `statuses`, with its claimant, verdict,
    rating, bylines (author and reviewer with their staff profiles), topics, appearances and
    evidence (each with source and publisher) and corrections (with old and new rating) in the
    related-object and prefetch caches, ordered as the ORM's prefetches order them, and the site's
    content version (number, changed_at) as `content_version`; or None. One query. PostgreSQL only (see supported())."""
    statuses = tuple(statuses)
    with connections[alias].cursor() as cursor:
        cursor.execute(_statement(statuses), [slug, *statuses])
        found = cursor.fetchone()
    if found is None:
        return None
    claim_row, verdict_row, claimant_row, rating_row, author, author_profile, reviewer, reviewer_profile = (
        _decoded(value) for value in found[:8]
    )
    topics, appearances, evidence, corrections = (_decoded(value) for value in found[8:12])
    claim = _instance(Claim, claim_row, alias)
    verdict = _instance(Verdict, verdict_row, alias)
    _relate(claim, "claimant", _instance(Claimant, claimant_row, alias))
    _relate(claim, "verdict", verdict)
    _relate(verdict, "claim", claim)
    _relate(verdict, "rating", _instance(Rating, rating_row, alias))
    for field, user_row, profile_row in (("author", author, author_profile), ("reviewer", reviewer, reviewer_profile)):
        user = _instance(get_user_model(), user_row, alias)
        if user is not None:
            profile = _instance(StaffProfile, profile_row, alias)
            _relate(user, "staff_profile", profile)
            if profile is not None:
                _relate(profile, "user", user)
        _relate(verdict, field, user)
    _prefetched(claim, "topics", [_instance(Topic, row, alias) for row in topics])
    _prefetched(claim, "appearances", [_with_source(Appearance, row, alias, claim=claim) for row in appearances])
    _prefetched(verdict, "evidence", [_with_source(Evidence, row, alias, verdict=verdict) for row in evidence])
    rows = [_correction(row, alias, verdict) for row in corrections]
    _prefetched(verdict, "corrections", rows[::-1] if corrections_newest_first else rows)
    # What published_claims() annotates, and the site's content version for the page's ETag
    # (selectors.claim_stamp reads the same two values).
    claim.published_at = verdict.published_at
    claim.content_version = found[12], found[13]
    return claim


def _decoded(value):
    # psycopg decodes json columns itself; a driver or setting that hands over text is covered too.
    return json.loads(value) if isinstance(value, str | bytes) else value


def _instance(model, row, alias):
    """A model instance from a row as JSON, as from_db() builds one from a database row (each value
    through its field's to_python: JSON gives dates and times as ISO text); None for no row."""
    if row is None or all(value is None for value in row.values()):
        return None
    names, values = [], []
    for field, column in _columns(model):
        names.append(field.attname)
        values.append(_value(field, row.get(column)))
    return model.from_db(alias, names, values)


def _value(field, value):
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        # json_build_object writes a timestamptz in ISO 8601 with its offset; the connection is UTC.
        return datetime.datetime.fromisoformat(value)
    if isinstance(field, models.DateField):
        return datetime.date.fromisoformat(value)
    if isinstance(field, models.JSONField | models.BooleanField | models.IntegerField | models.CharField):
        return value
    return field.to_python(value)


def _relate(obj, name, related):
    """Cache `related` as `obj.<name>`, as select_related() does, forward or reverse. On a reverse
    one-to-one (claim.verdict, user.staff_profile) None means no row: reading it then raises
    DoesNotExist, as after the ORM's join."""
    type(obj)._meta.get_field(name).set_cached_value(obj, related)


def _prefetched(obj, name, rows):
    """Fill `obj`'s prefetch cache for the relation `name`, as prefetch_related() does."""
    queryset = getattr(obj, name).get_queryset()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    if not hasattr(obj, "_prefetched_objects_cache"):
        obj._prefetched_objects_cache = {}
    obj._prefetched_objects_cache[name] = queryset


def _with_source(model, row, alias, **parent):
    item_row, source_row, publisher_row = row
    item = _instance(model, item_row, alias)
    source = _instance(Source, source_row, alias)
    _relate(source, "publisher", _instance(Publisher, publisher_row, alias))
    _relate(item, "source", source)
    for name, value in parent.items():
        _relate(item, name, value)
    return item


def _correction(row, alias, verdict):
    correction_row, old_row, new_row = row
    correction = _instance(Correction, correction_row, alias)
    _relate(correction, "old_rating", _instance(Rating, old_row, alias))
    _relate(correction, "new_rating", _instance(Rating, new_row, alias))
    _relate(correction, "verdict", verdict)
    return correction
