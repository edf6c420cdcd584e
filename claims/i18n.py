"""Fact-checks in other languages: the one place where claims asks for a check in the reader's
language. claims knows nothing of how translations are written, reviewed or stored; the
`translations` app (above claims) registers a provider here in its ready(), as partners listens to
claims.events. Without a provider every check is shown as written.

A provider answers four questions, each with a fixed number of queries:

    page(claim, language)        -> PageLanguages: the published translation to show (or None) and
                                    every language the check is published in (one query)
    localize(claims, language)   -> sets `translated` on each claim that has a published translation
                                    into `language` (one query, none when every claim is in it)
    available_in(queryset, lang) -> the claims published in `lang` (written in it or translated)
    languages_of(claims, lang)   -> localize() for the API, returning {claim id: [translations'
                                    languages]} (one query)
    published_languages(ids)     -> {claim id: [languages of its published translations]} of these
                                    claims (one query: the sitemap)
    search(queryset, text)       -> claims.search.search() widened to the translations' text
    matching(queryset, text)     -> claims.search.matching() (unranked) widened the same way
    match(text, limit, found)    -> /api/v1/match/'s results widened to the translations' text
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import translation


@dataclass
class Translated:
    """The published translation of a check into one language: what readers see instead of the
    original's words. The rating, sources and appearances stay the original's."""

    language: str
    title: str
    text: str
    claim_reviewed: str
    conclusion: str
    analysis: str
    evidence_notes: dict = field(default_factory=dict)  # {evidence id: note}
    translator: str = ""
    reviewer: str = ""
    published_at: object = None
    updated_at: object = None


@dataclass
class PageLanguages:
    translated: Translated | None
    languages: list  # codes of every language the check is published in, its own first


class NoTranslations:
    def page(self, claim, language):
        return PageLanguages(translated=None, languages=[claim.language])

    def localize(self, claims, language):
        return claims

    def available_in(self, queryset, language):
        return queryset.filter(language=language)

    def languages_of(self, claims, language):
        return {}

    def published_languages(self, claim_ids):
        return {}

    def search(self, queryset, text):
        from claims.search import search

        return search(queryset, text)

    def matching(self, queryset, text):
        from claims.search import matching

        return matching(queryset, text)

    def match(self, text, limit, found):
        return found


provider = NoTranslations()


def register(new_provider):
    global provider
    provider = new_provider


def current_language():
    return translation.get_language() or settings.LANGUAGE_CODE


def claim_path(claim, language):
    """The path of `claim`'s page in `language` (/<language>/claims/<slug>/, no prefix for the default language)."""
    with translation.override(language):
        return reverse("claims:claim_detail", kwargs={"slug": claim.slug})


def claim_url(claim, language):
    """The absolute address of `claim`'s page in `language`."""
    return f"{settings.SITE_URL}{claim_path(claim, language)}"


def shown_url(claim):
    """The address of the page that shows `claim` in the words it carries now (its translation's
    after show(), else its original's; the site's default language when it has no pages in it)."""
    return claim_url(claim, site_language(claim.language) or settings.LANGUAGE_CODE)


def site_language(code):
    """`code` if the site has pages in it, else None."""
    return code if code in dict(settings.LANGUAGES) else None


def show(claim, translated):
    """Put the translated words on `claim` (and its verdict) in memory, for a page or a list row: the
    title, statement, short claim, conclusion and analysis. Nothing is saved."""
    if translated is None:
        return claim
    claim.original_language = claim.language
    claim.translated = translated
    claim.title, claim.text, claim.language = translated.title, translated.text, translated.language
    claim.claim_reviewed = translated.claim_reviewed
    verdict = getattr(claim, "verdict", None)
    if verdict is not None:
        verdict.conclusion = translated.conclusion or verdict.conclusion
        verdict.analysis = translated.analysis or verdict.analysis
    return claim


def show_evidence(evidence, translated):
    """The evidence items with their notes in the translation's words (the sources stay)."""
    if translated is None:
        return evidence
    for item in evidence:
        item.note = translated.evidence_notes.get(str(item.pk)) or item.note
    return evidence
