from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationsConfig(AppConfig):
    """Fact-checks in several languages: staff translate a published check (title, statement,
    conclusion, analysis, evidence notes; the rating stays one), a second person publishes each
    translation, and readers get it at /<language>/claims/<slug>/. Above claims: it registers its
    provider with claims.i18n and listens to claims' seed loading, never the reverse."""

    name = "translations"
    verbose_name = _("Translations")

    def ready(self):
        from claims import i18n
        from translations import receivers  # noqa: F401 - loads the seed translations with the seeds
        from translations.provider import TranslationProvider

        i18n.register(TranslationProvider())
