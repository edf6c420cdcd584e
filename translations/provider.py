"""What claims.i18n asks of this app: published translations for pages, list rows, search and
matching. Reads only PublishedTranslation (what a second person approved), and only for checks the
caller already selected as public."""

from django.db.models import Q

from claims import i18n
from organisation.models import public_name
from translations import search as translation_search
from translations.models import PublishedTranslation


def translated(row):
    """A PublishedTranslation as claims.i18n.Translated (expects translator and reviewer joined with
    their staff profiles for the names; pass names=False to skip them)."""
    return i18n.Translated(
        language=row.language,
        title=row.title,
        text=row.text,
        claim_reviewed=row.claim_reviewed,
        conclusion=row.conclusion,
        analysis=row.analysis,
        evidence_notes=row.evidence_notes or {},
        translator=public_name(row.translator) if "translator" in row._state.fields_cache else "",
        reviewer=public_name(row.reviewer) if "reviewer" in row._state.fields_cache else "",
        published_at=row.published_at,
        updated_at=row.updated_at,
    )


class TranslationProvider:
    def page(self, claim, language):
        """Every published translation of the claim (its languages), with the names of who
        translated and reviewed the one in `language`. One query; a second one for the names when
        the page shows a translation. (Joining the names into the first, for every page, cost a
        cold claim page 0.8 ms more in the ORM than the second query costs a translated page.)"""
        rows = list(PublishedTranslation.objects.filter(claim_id=claim.pk).order_by("language"))
        shown = next((row for row in rows if row.language == language and language != claim.language), None)
        if shown is not None:
            shown = PublishedTranslation.objects.select_related(
                "translator__staff_profile", "reviewer__staff_profile"
            ).get(pk=shown.pk)
        languages = [claim.language, *[row.language for row in rows if row.language != claim.language]]
        return i18n.PageLanguages(translated=translated(shown) if shown else None, languages=languages)

    def localize(self, claims, language):
        """Put the published translation into `language` on each claim written in another one. One
        query, none when every claim is in `language` (an English list of English checks)."""
        claims = list(claims)
        wanted = [claim.pk for claim in claims if claim.language != language]
        if not wanted:
            return claims
        rows = PublishedTranslation.objects.filter(claim_id__in=wanted, language=language)
        by_claim = {row.claim_id: row for row in rows}
        for claim in claims:
            row = by_claim.get(claim.pk)
            if row is not None:
                i18n.show(claim, translated(row))
        return claims

    def available_in(self, queryset, language):
        """Claims published in `language`: written in it, or with a published translation into it."""
        translated = PublishedTranslation.objects.filter(language=language).values("claim_id")
        return queryset.filter(Q(language=language) | Q(pk__in=translated))

    def languages_of(self, claims, language):
        """For the API: localize() the claims into `language` and return {claim id: [languages of
        its published translations]}. One query for all the claims (every language's rows)."""
        claims = list(claims)
        rows = PublishedTranslation.objects.filter(claim_id__in=[c.pk for c in claims]).order_by("language")
        languages, wanted = {}, {}
        for row in rows:
            languages.setdefault(row.claim_id, []).append(row.language)
            if row.language == language:
                wanted[row.claim_id] = row
        for claim in claims:
            if claim.language != language and claim.pk in wanted:
                i18n.show(claim, translated(wanted[claim.pk]))
        return languages

    def published_languages(self, claim_ids):
        rows = (
            PublishedTranslation.objects.filter(claim_id__in=claim_ids)
            .order_by("claim_id", "language")
            .values_list("claim_id", "language")
        )
        languages = {}
        for claim_id, language in rows:
            languages.setdefault(claim_id, []).append(language)
        return languages

    def search(self, queryset, text):
        return translation_search.search(queryset, text)

    def matching(self, queryset, text):
        return translation_search.matching(queryset, text)

    def match(self, text, limit, found):
        return translation_search.match(text, limit, found)
