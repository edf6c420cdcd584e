"""PostgreSQL only: a stored, weighted full-text search vector on claims with a GIN index, and
pg_trgm with trigram indexes for claim matching. On SQLite these operations do nothing and search
falls back to simple matching (claims/search.py).

The text-search configuration is read from settings.SEARCH_CONFIG when this migration runs."""

from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


def _config():
    config = settings.SEARCH_CONFIG
    if not config.replace("_", "").isalnum():
        raise ValueError(f"SEARCH_CONFIG must be a text-search configuration name; got {config!r}")
    return config


def forwards(apps, schema_editor):
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
    schema_editor.execute("CREATE INDEX claim_text_trgm ON claims_claim USING gin (text gin_trgm_ops)")
    schema_editor.execute("CREATE INDEX claim_title_trgm ON claims_claim USING gin (title gin_trgm_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS claim_title_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS claim_text_trgm")
    schema_editor.execute("ALTER TABLE claims_claim DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [("claims", "0002_default_scales_roles")]
    operations = [TrigramExtension(), migrations.RunPython(forwards, backwards)]
