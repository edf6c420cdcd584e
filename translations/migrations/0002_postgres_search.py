"""PostgreSQL only: a stored search vector on published translations, each built with the
text-search configuration of its language (translations.search.search_configs: English with the
site's SEARCH_CONFIG, Ukrainian with `simple`, as PostgreSQL has no Ukrainian stemmer), a GIN index
on it, and a trigram index on the lower-cased search_text for pg_trgm's word similarity (inflected
Ukrainian words). On SQLite these operations do nothing (translations/search.py falls back)."""

from django.db import migrations


def _case():
    from translations.search import search_configs

    whens = []
    for language, cfg in search_configs().items():
        if not (language.replace("-", "").isalnum() and cfg.replace("_", "").isalnum()):
            raise ValueError(f"Not a language and a text-search configuration: {language!r}, {cfg!r}")
        whens.append(f"WHEN '{language}' THEN '{cfg}'::regconfig")
    return f"CASE language {' '.join(whens)} ELSE 'simple'::regconfig END"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"""
        ALTER TABLE translations_publishedtranslation ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector({_case()}, coalesce(title, '')), 'A') ||
            setweight(to_tsvector({_case()}, coalesce(text, '')), 'B') ||
            setweight(to_tsvector({_case()}, coalesce(conclusion, '')), 'C')
        ) STORED
        """
    )
    schema_editor.execute(
        "CREATE INDEX published_translation_search_gin ON translations_publishedtranslation USING gin (search_vector)"
    )
    schema_editor.execute(
        "CREATE INDEX published_translation_text_trgm ON translations_publishedtranslation"
        " USING gin (search_text gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS published_translation_text_trgm")
    schema_editor.execute("ALTER TABLE translations_publishedtranslation DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [("translations", "0001_initial"), ("claims", "0003_postgres_search")]
    operations = [migrations.RunPython(forwards, backwards)]
