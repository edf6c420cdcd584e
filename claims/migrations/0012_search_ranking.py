"""Relevant search (issue 13): the claim keeps copies of its topics' names and its verdict's analysis
(filled by claims.services._refresh_claim, backfilled here), and on PostgreSQL the stored search
vector is rebuilt with one weight per field:

  A  the title and the topics' names       C  the claimant's name and the conclusion;
  B  the claim's statement                     the title's words unstemmed
                                            D  the analysis; the statement's words unstemmed

The unstemmed ('simple') words let the last word typed match as a prefix of the word as written
("inflatio" finds "inflation", whose stem is "inflat"); at the low weights C and D they barely move
the ranking of whole words. On SQLite only the copies are filled (claims/search.py falls back to
simple matching)."""

from django.conf import settings
from django.db import migrations, models


def _config():
    config = settings.SEARCH_CONFIG
    if not config.replace("_", "").isalnum():
        raise ValueError(f"SEARCH_CONFIG must be a text-search configuration name; got {config!r}")
    return config


def vector_sql(cfg):
    """The generated column's expression (kept in one place: the test of the migration reads it)."""
    return f"""
        setweight(to_tsvector('{cfg}'::regconfig, coalesce(title, '')), 'A') ||
        setweight(to_tsvector('{cfg}'::regconfig, coalesce(search_topics, '')), 'A') ||
        setweight(to_tsvector('{cfg}'::regconfig, coalesce(text, '')), 'B') ||
        setweight(to_tsvector('{cfg}'::regconfig, coalesce(search_extra, '')), 'C') ||
        setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'C') ||
        setweight(to_tsvector('{cfg}'::regconfig, coalesce(search_analysis, '')), 'D') ||
        setweight(to_tsvector('simple'::regconfig, coalesce(text, '')), 'D')
    """


def backfill(apps, schema_editor):
    execute = schema_editor.execute
    execute(
        "UPDATE claims_claim SET search_analysis = COALESCE("
        "(SELECT analysis FROM claims_verdict WHERE claims_verdict.claim_id = claims_claim.id), '')"
    )
    if schema_editor.connection.vendor == "postgresql":
        names = "string_agg(t.name, ' ' ORDER BY t.name)"
    else:
        names = "group_concat(t.name, ' ')"
    execute(
        f"UPDATE claims_claim SET search_topics = COALESCE((SELECT {names} FROM claims_claim_topics ct "
        "JOIN claims_topic t ON t.id = ct.topic_id WHERE ct.claim_id = claims_claim.id), '')"
    )


def drop_vector(apps, schema_editor):
    # Dropped before the backfill, so that the backfill does not recompute it and its index twice.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE claims_claim DROP COLUMN search_vector")


def add_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    # The backfill's updates leave deferred constraint checks pending, and PostgreSQL refuses to
    # alter a table with pending trigger events: run them now.
    execute("SET CONSTRAINTS ALL IMMEDIATE")
    execute(f"ALTER TABLE claims_claim ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({vector_sql(_config())}) STORED")
    execute("CREATE INDEX claim_search_vector_gin ON claims_claim USING gin (search_vector)")
    execute("SET CONSTRAINTS ALL DEFERRED")


def drop_new_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE claims_claim DROP COLUMN search_vector")


def add_old_vector(apps, schema_editor):
    """The vector of migration 0003."""
    if schema_editor.connection.vendor != "postgresql":
        return
    cfg = _config()
    schema_editor.execute(
        f"""
        ALTER TABLE claims_claim ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('{cfg}'::regconfig, coalesce(title, '')), 'A') ||
            setweight(to_tsvector('{cfg}'::regconfig, coalesce(text, '')), 'B') ||
            setweight(to_tsvector('{cfg}'::regconfig, coalesce(search_extra, '')), 'C')
        ) STORED
        """
    )
    schema_editor.execute("CREATE INDEX claim_search_vector_gin ON claims_claim USING gin (search_vector)")


class Migration(migrations.Migration):
    dependencies = [("claims", "0011_merge_20261201_0658")]

    operations = [
        migrations.AddField(
            model_name="claim", name="search_analysis", field=models.TextField(blank=True, editable=False)
        ),
        migrations.AddField(model_name="claim", name="search_topics", field=models.TextField(blank=True, editable=False)),
        migrations.RunPython(drop_vector, add_old_vector),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(add_vector, drop_new_vector),
    ]
