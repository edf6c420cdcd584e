"""Languages of the site (README "Languages").

The readers' site takes its language from the URL alone: English, the default, has no prefix (the
URLs from before there were languages stay as they were), every other language of
settings.LANGUAGES is under `/<code>/...` (factcheck/urls.py, i18n_patterns). Such a page is the
same for every reader, so it varies by nothing but its path and carries no `Vary: Accept-Language`.

The admin and the API have one URL for all languages: they answer in the reader's choice, for the
API `?language=` and then `Accept-Language` (never a cookie: the page cache keys on the query string
and that header), for the admin the language cookie and then `Accept-Language`. Their answers
carry `Vary: Accept-Language`.

Nothing here names a language: adding one is a `.po` file and an entry in settings.LANGUAGES.
"""

from django.conf import settings
from django.middleware import locale
from django.urls import Resolver404, resolve, translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation.trans_real import parse_accept_lang_header

# Paths answered in the reader's choice of language rather than the language in the URL.
NEGOTIATED_PREFIXES = ("/admin/", "/api/")


def supported(code):
    """`code` (e.g. `uk`, `uk-UA`) as one of settings.LANGUAGES, or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def negotiated_language(request):
    """The language of an admin or API answer (see the module's docstring)."""
    if request.path_info.startswith("/api/"):
        chosen = supported(request.GET.get("language"))
        if chosen:
            return chosen
        # Accept-Language only: get_language_from_request would read the cookie first.
        for code, _weight in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
            if code == "*":
                break
            chosen = supported(code)
            if chosen:
                return chosen
        return settings.LANGUAGE_CODE
    return translation.get_language_from_request(request, check_path=False)


def request_language(request):
    """The language a request is answered in: from the URL on the readers' site (unprefixed: the
    default language), negotiated for the admin and the API."""
    if request.path_info.startswith(NEGOTIATED_PREFIXES):
        return negotiated_language(request)
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's, with the admin and the API negotiated (Django would answer every unprefixed URL in
    the default language), and Vary: Accept-Language only on those answers. It runs before the
    middleware that may answer early (outage, request size), so their pages are translated too."""

    def process_request(self, request):
        language = request_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        if request.path_info.startswith(NEGOTIATED_PREFIXES):
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def url_in(path, code):
    """`path` of the readers' site in language `code`: django.urls.translate_url for a page that
    exists; for one that does not (a 404), the same path under the other language's prefix."""
    try:
        resolve(path)
    except Resolver404:
        current = translation.get_language_from_path(path)
        bare = path[len(current) + 1 :] if current else path
        return bare if code == settings.LANGUAGE_CODE else f"/{code}{bare}"
    return translate_url(path, code)


def page_languages(request, codes=None):
    """[(language code, absolute URL)] of this page in each of `codes` (default: every language of
    settings.LANGUAGES), for the hreflang alternates and the language switcher in base.html."""
    if request.path_info.startswith(NEGOTIATED_PREFIXES):
        return []  # one address for every language (an admin preview of a claim page, say)
    codes = codes if codes is not None else [code for code, _name in settings.LANGUAGES]
    return [(code, settings.SITE_URL + url_in(request.path, code)) for code in codes]


def context(request):
    """Context processor: `page_languages` for every page whose view does not set its own, worked
    out only if the page uses it (the admin's do not)."""
    return {"page_languages": SimpleLazyObject(lambda: page_languages(request)), "og_locale": og_locale}


def og_locale(code=None):
    """The Open Graph locale (language_TERRITORY) of a language, the current one by default."""
    code = code or translation.get_language() or settings.LANGUAGE_CODE
    return settings.OG_LOCALES.get(code) or f"{code}_{code.upper()}"
