"""The interface in every language of settings.LANGUAGES (README "Languages"): the catalogues are
complete and compiled, every page of the readers' site is translated under its prefix, and the
language switcher, hreflang alternates, sitemaps, dates, caches and the API follow the language."""

import datetime
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from claims import services
from claims.models import Claim, Rating
from organisation.models import StaffProfile
from tests.factories import (
    AppearanceFactory,
    ClaimantFactory,
    ClaimFactory,
    EvidenceFactory,
    PublisherFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
    VerdictFactory,
    correct,
)
from translations import services as translation_services
from translations.models import ClaimTranslation

ROOT = Path(settings.BASE_DIR)
OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue(code):
    return polib.pofile(str(ROOT / "locale" / code / "LC_MESSAGES" / "django.po"))


# --- The catalogues ------------------------------------------------------------------------------


def test_there_is_a_language_besides_the_default():
    assert OTHER_LANGUAGES == ["uk"]


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(code):
    po = catalogue(code)
    assert len(po) > 1000
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert [entry.msgid for entry in po.obsolete_entries()] == []
    assert not po.metadata_is_fuzzy


def test_ukrainian_has_its_three_plural_forms():
    po = catalogue("uk")
    assert po.metadata["Plural-Forms"] == (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
    )
    plural_entries = [entry for entry in po if entry.msgid_plural]
    assert len(plural_entries) > 20
    for entry in plural_entries:
        assert sorted(entry.msgstr_plural) == [0, 1, 2], entry.msgid
        assert all(entry.msgstr_plural.values()), entry.msgid


def test_plural_forms_are_chosen_by_ukrainian_rules():
    with translation.override("uk"):
        forms = [translation.ngettext("%d key revoked.", "%d keys revoked.", n) % n for n in (1, 3, 5, 11, 21, 22)]
    assert forms == [
        "1 ключ анульовано.",
        "3 ключі анульовано.",
        "5 ключів анульовано.",
        "11 ключів анульовано.",
        "21 ключ анульовано.",
        "22 ключі анульовано.",
    ]


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_the_committed_mo_file_matches_the_po_file(code):
    """`make run` works without gettext because the .mo is committed: it must say what the .po says
    (run `manage.py compilemessages` after changing a .po)."""
    po = catalogue(code)
    mo = polib.mofile(str(ROOT / "locale" / code / "LC_MESSAGES" / "django.mo"))

    def entries(cat):
        return {
            (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in cat
            if not e.obsolete and "fuzzy" not in e.flags and e.msgid
        }

    assert entries(mo) == entries(po)


def _require_gettext():
    if shutil.which("xgettext") and shutil.which("msgmerge"):
        return
    message = "This test needs GNU gettext: `apt-get install -y gettext`."
    if os.environ.get("CI") == "true":
        pytest.fail(message + " CI must not pass without it.")
    pytest.skip(message)


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_the_catalogue_holds_every_string_marked_in_the_source(code, tmp_path):
    """A string marked for translation after the last `makemessages` would show in English: extract
    the strings again, in a copy of the project, and compare."""
    _require_gettext()
    copy = tmp_path / "project"
    ignore = shutil.ignore_patterns(
        ".venv", ".git", "node_modules", "staticfiles", "datasets", "screenshots", "*.pyc", "__pycache__"
    )
    for name in os.listdir(ROOT):
        source = ROOT / name
        if name.startswith(".") or name in ("tests", "bench", "staticfiles", "datasets"):
            continue
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=ignore)
        elif source.suffix == ".py":
            shutil.copy(source, copy / name)
    env = {**os.environ, "DEBUG": "1", "SECRET_KEY": "makemessages", "PYTHONPATH": str(copy)}
    subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "makemessages", "-l", code, "--no-obsolete", "--ignore=*/migrations/*"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(copy / "locale" / code / "LC_MESSAGES" / "django.po"))
    committed = {(e.msgctxt, e.msgid, e.msgid_plural) for e in catalogue(code)}
    extracted = {(e.msgctxt, e.msgid, e.msgid_plural) for e in fresh}
    message = "Run `manage.py makemessages -l {code} --no-obsolete` and translate the new strings"
    assert sorted(extracted - committed, key=str) == [], message.format(code=code)
    assert sorted(committed - extracted, key=str) == [], message.format(code=code)


# --- Every page of the readers' site, in Ukrainian -----------------------------------------------


class _VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes and the attributes that are read out or shown."""

    ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "content"}

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "meta" and not any(k in ("name", "property") and v in _META_TEXT for k, v in attrs):
            return
        self.parts.extend(value for key, value in attrs if key in self.ATTRIBUTES and value)
        if tag == "input" and dict(attrs).get("type") in ("submit", "button"):
            self.parts.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


_META_TEXT = {"description", "og:description", "twitter:description", "og:title", "twitter:title", "og:image:alt"}


def visible_text(html):
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


# The readers' site: its templates, and the Python whose strings its pages show.
READERS_SOURCES = (
    "templates/base.html",
    "templates/40",
    "templates/50",
    "templates/claims/",
    "templates/includes/",
    "templates/pages/",
    "templates/desk/tip_",
    "templates/partners/data.html",
    "claims/views.py",
    "claims/forms.py",
    "claims/models.py",
    "claims/templatetags/",
    "desk/forms.py",
    "desk/views.py",
    "sources/models.py",
    "organisation/models.py",
)


def readers_msgids(code):
    """English msgids of the readers' site that the catalogue translates differently, as they would
    appear verbatim in a page: without placeholders or markup (those are checked by rendering)."""
    found = set()
    for entry in catalogue(code):
        paths = [path for path, _line in entry.occurrences if path.startswith(READERS_SOURCES)]
        if not paths:
            continue
        # Lower-case msgids only from Python are field names ("claim", "source"): words that the
        # content (English data, which is not the interface) is full of.
        if entry.msgid[0].islower() and all(path.endswith(".py") for path in paths):
            continue
        for msgid, msgstr in [(entry.msgid, entry.msgstr), (entry.msgid_plural, entry.msgstr_plural.get(2))]:
            if not msgid or msgid == msgstr or "%" in msgid or "<" in msgid or len(msgid) < 4:
                continue
            found.add(msgid.strip())
    return found


def publish_check(*, slug, title, author, reviewer, kind=Claim.Kind.STATEMENT, rating="false", **claim):
    """A check taken through the real services, every word of it in Ukrainian."""
    claim = ClaimFactory(slug=slug, title=title, text=f"{title}.", made_at="виступ у Києві", kind=kind, **claim)
    publisher = PublisherFactory(name=f"Газета «{title}»")
    AppearanceFactory(
        claim=claim,
        quote="слова, як їх процитовано",
        source=SourceFactory(slug=f"dzherelo-{slug}", title=f"Стаття про {title}", publisher=publisher),
    )
    verdict = VerdictFactory(
        claim=claim,
        rating=Rating.objects.get(slug=rating),
        conclusion="Це неправда.",
        analysis="Докази показують **інше**.",
        author=author,
    )
    EvidenceFactory(
        verdict=verdict,
        note="Показує цифру.",
        source=SourceFactory(slug=f"dokaz-{slug}", title=f"Звіт про {title}", publisher=publisher),
    )
    services.verdict_submit_for_review(verdict=verdict, by=author)
    services.verdict_publish(verdict=verdict, by=reviewer, revision=services.claim_revision(claim))
    return verdict


def publish_in_ukrainian(verdict, *, translator, reviewer):
    """The check's published Ukrainian version (translations): a claim page lists, in hreflang and
    the switcher, only the languages its check is published in. Its words are the check's own."""
    verdict.refresh_from_db()
    claim = verdict.claim
    translation = ClaimTranslation(
        claim=claim,
        language="uk",
        title=claim.title,
        text=claim.text,
        conclusion=verdict.conclusion,
        analysis=verdict.analysis,
        evidence_notes={str(e.pk): e.note for e in verdict.evidence.all()},
    )
    translation_services.translation_save(translation=translation, by=translator)
    translation_services.translation_submit(translation=translation, by=translator)
    translation_services.translation_publish(translation=translation, by=reviewer, expected_version=translation.version)


@pytest.fixture
def ukrainian_site(db):
    """Published checks, a correction and a retraction, in names and words that are not English, so
    that any English on the pages comes from the interface."""
    author = UserFactory(username="olena", first_name="Олена", last_name="Коваль", group="Editors")
    reviewer = UserFactory(username="petro", first_name="Петро", last_name="Бондар", group="Reviewers")
    approver = UserFactory(username="iryna", first_name="Ірина", last_name="Шевчук", group="Reviewers")
    StaffProfile.objects.create(user=author, display_name="Олена Коваль", slug="olena", public_page=True)
    topic = TopicFactory(slug="viina", name="Війна", description="Заяви про війну.", featured=True)
    claimant = ClaimantFactory(slug="mykola", name="Микола Петренко", role="Міністр", affiliation="Уряд")
    check = publish_check(
        slug="zaiava", title="Перемир'я почнеться негайно", claimant=claimant, author=author, reviewer=reviewer
    )
    check.claim.topics.add(topic)
    correct(
        verdict=check,
        by=reviewer,
        approver=approver,
        note="Виправлено оцінку.",
        rating=Rating.objects.get(slug="misleading"),
    )
    pledge = publish_check(
        slug="obitsianka",
        title="Обіцянка збудувати міст",
        kind=Claim.Kind.PLEDGE,
        rating="kept",
        claimant=claimant,
        author=author,
        reviewer=reviewer,
    )
    gone = publish_check(
        slug="vidklykano", title="Відкликана заява", claimant=claimant, author=author, reviewer=reviewer
    )
    for verdict in (check, pledge, gone):
        publish_in_ukrainian(verdict, translator=author, reviewer=approver)
    services.verdict_retract(verdict=gone, note="Джерело виявилося підробкою.", by=reviewer)
    return check


def ukrainian_pages(data):
    return [
        "/uk/",
        "/uk/claims/",
        "/uk/claims/?q=перемир'я",
        "/uk/claims/?q=zzzz",
        "/uk/claims/?rating=nope&date_from=2024-13-01&page=x",
        "/uk/claims/?kind=pledge&sort=oldest",
        "/uk/claims/zaiava/",
        "/uk/claims/obitsianka/",
        "/uk/claims/vidklykano/",
        "/uk/claimants/",
        "/uk/claimants/?letter=М",
        "/uk/claimants/?q=невідомий",
        "/uk/claimants/mykola/",
        "/uk/topics/",
        "/uk/topics/viina/",
        "/uk/team/olena/",
        "/uk/sources/dokaz-zaiava/",
        "/uk/ratings/",
        "/uk/corrections/",
        "/uk/about/",
        "/uk/contact/",
        "/uk/contact/?claim=zaiava",
        "/uk/tips/new/",
        "/uk/tips/thanks/",
        "/uk/data/",
        "/uk/no-such-page/",
        "/uk/claims/no-such-claim/",
    ]


def test_every_page_of_the_readers_site_is_in_ukrainian(client, ukrainian_site):
    english = readers_msgids("uk")
    assert {"Fact-checks", "Our verdict", "Search fact-checks", "Report an error"} <= english
    for url in ukrainian_pages(ukrainian_site):
        response = client.get(url)
        assert response.status_code in (200, 400, 404), url
        html = response.content.decode()
        assert '<html lang="uk">' in html, url
        text = visible_text(html)
        left = sorted(m for m in english if re.search(rf"(?<![\w-]){re.escape(m)}(?![\w-])", text))
        assert left == [], f"{url} shows English: {left}"


def test_the_tip_form_errors_are_in_ukrainian(client, db):
    response = client.post("/uk/tips/new/", {"claim": "", "url": "ftp://x", "email": "nope"})
    text = visible_text(response.content.decode())
    assert "Напишіть заяву, яку ви хочете, щоб ми перевірили." in text
    assert "Введіть вебадресу, що починається з https:// або http://." in text
    assert "Введіть електронну адресу, наприклад name@example.org, або залиште поле порожнім." in text


def test_ukrainian_pages_show_dates_and_numbers_in_ukrainian(client, ukrainian_site):
    text = visible_text(client.get("/uk/claims/zaiava/").content.decode())
    assert "Микола Петренко , Міністр — 14 червня 2024 , виступ у Києві" in text
    assert "Перша поява 14 червня 2024" in text
    english = visible_text(client.get("/claims/zaiava/").content.decode())
    assert "— 14 June 2024 , виступ у Києві" in english


def test_large_numbers_are_grouped_the_ukrainian_way():
    from django.contrib.humanize.templatetags.humanize import intcomma

    with translation.override("uk"):
        assert intcomma(1234567) == "1\xa0234\xa0567"
    with translation.override("en"):
        assert intcomma(1234567) == "1,234,567"


# --- Language in the URL, the switcher and the hreflang alternates -------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.alternates, self.switcher, self._in_switcher, self.current = [], [], False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs:
            self.alternates.append((attrs["hreflang"], attrs["href"]))
        if tag == "nav" and "language-switcher" in attrs.get("class", ""):
            self._in_switcher = True
        if self._in_switcher and tag == "a":
            self.switcher.append((attrs["hreflang"], attrs["href"]))
        if self._in_switcher and tag == "span" and attrs.get("aria-current") == "true":
            self.current = attrs["lang"]

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_switcher = False


def links(response):
    parser = _Links()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.parametrize(
    ("path", "uk_path"),
    [
        ("/", "/uk/"),
        ("/claims/", "/uk/claims/"),
        ("/claims/zaiava/", "/uk/claims/zaiava/"),
        ("/claimants/mykola/", "/uk/claimants/mykola/"),
        ("/ratings/", "/uk/ratings/"),
        ("/tips/new/", "/uk/tips/new/"),
    ],
)
def test_hreflang_alternates_are_reciprocal_absolute_and_name_the_english_page_x_default(
    client, ukrainian_site, path, uk_path
):
    site = settings.SITE_URL
    expected = [("en", site + path), ("x-default", site + path), ("uk", site + uk_path)]
    for url in (path, uk_path):
        response = client.get(url)
        assert response.status_code == 200
        assert links(response).alternates == expected, url
    # Each alternate is a page that answers in its language and lists the same set (return links).
    for code, href in expected:
        response = client.get(href.removeprefix(site))
        assert response["Content-Language"] == ("en" if code == "x-default" else code)


def test_the_switcher_keeps_the_page_and_its_query(client, ukrainian_site):
    english = links(client.get("/claims/?q=перемир'я&sort=oldest"))
    assert english.current == "en"
    assert english.switcher == [("uk", "/uk/claims/?q=%D0%BF%D0%B5%D1%80%D0%B5%D0%BC%D0%B8%D1%80%27%D1%8F&sort=oldest")]
    ukrainian = links(client.get("/uk/claims/zaiava/"))
    assert ukrainian.current == "uk"
    assert ukrainian.switcher == [("en", "/claims/zaiava/")]


def test_the_switcher_names_each_language_in_itself(client, db):
    html = client.get("/").content.decode()
    assert '<span aria-current="true" lang="en">English</span>' in html
    assert '<a href="/uk/" hreflang="uk" lang="uk">Українська</a>' in html


def test_a_missing_page_switches_to_the_same_address_in_the_other_language(client, db):
    response = client.get("/uk/no-such-page/")
    assert response.status_code == 404
    assert "Сторінку не знайдено" in response.content.decode()
    assert links(response).switcher == [("en", "/no-such-page/")]
    assert links(response).alternates == []  # hreflang only between pages that exist


def test_english_keeps_its_addresses_and_ukrainian_is_under_its_prefix(client, ukrainian_site):
    english, ukrainian = client.get("/claims/zaiava/"), client.get("/uk/claims/zaiava/")
    assert '<html lang="en">' in english.content.decode()
    assert "<h2" in english.content.decode() and "Our verdict" in english.content.decode()
    assert "Наш вердикт" in ukrainian.content.decode()
    assert (english["Content-Language"], ukrainian["Content-Language"]) == ("en", "uk")
    assert client.get("/en/claims/zaiava/").status_code == 404


def test_readers_pages_do_not_vary_by_accept_language(client, ukrainian_site):
    for url in ("/", "/uk/", "/claims/zaiava/", "/uk/claims/zaiava/"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="uk")
        assert "Accept-Language" not in response.get("Vary", ""), url
    english = client.get("/claims/", HTTP_ACCEPT_LANGUAGE="uk,en;q=0.5")
    assert (english["Content-Language"], '<html lang="en">' in english.content.decode()) == ("en", True)


def test_the_page_cache_keeps_the_languages_apart(client, ukrainian_site, settings):
    settings.PUBLIC_CACHE = True
    for _round in range(2):  # the second round is served from the cache
        english, ukrainian = client.get("/claims/"), client.get("/uk/claims/")
        assert "All fact-checks" in english.content.decode()
        assert "Усі фактчеки" in ukrainian.content.decode()
        assert (english["Content-Language"], ukrainian["Content-Language"]) == ("en", "uk")


def test_the_share_image_is_drawn_in_the_pages_language(client, ukrainian_site):
    english = client.get("/claims/zaiava/share.png")
    ukrainian = client.get("/uk/claims/zaiava/share.png")
    assert (english["Content-Type"], ukrainian["Content-Type"]) == ("image/png", "image/png")
    assert english.content != ukrainian.content  # "FACT-CHECK" / "ФАКТЧЕК", each cached on its own
    assert client.get("/claims/zaiava/share.png").content == english.content


def test_the_sitemap_lists_every_page_in_both_languages_with_alternates(client, ukrainian_site):
    xml = client.get("/sitemap-pages.xml").content.decode()
    site = "http://testserver"
    assert f"<loc>{site}/ratings/</loc>" in xml and f"<loc>{site}/uk/ratings/</loc>" in xml
    assert xml.count("<url>") == 12
    assert f'<xhtml:link rel="alternate" hreflang="uk" href="{site}/uk/ratings/"/>' in xml
    assert f'<xhtml:link rel="alternate" hreflang="en" href="{site}/ratings/"/>' in xml
    assert f'<xhtml:link rel="alternate" hreflang="x-default" href="{site}/ratings/"/>' in xml
    claims = client.get("/sitemap-claims.xml").content.decode()
    assert f"<loc>{site}/claims/zaiava/</loc>" in claims and f"<loc>{site}/uk/claims/zaiava/</loc>" in claims
    assert "vidklykano" not in claims


def test_sitemap_pages_cut_the_language_pairs_without_loading_every_item():
    from claims.sitemaps import LanguagePairs

    pairs = LanguagePairs(["a", "b", "c", "d", "e"], ["en", "uk"])
    assert len(pairs) == 10
    pages = [pairs[start : start + 3] for start in range(0, 10, 3)]
    assert pages == [
        [("a", "en"), ("a", "uk"), ("b", "en")],
        [("b", "uk"), ("c", "en"), ("c", "uk")],
        [("d", "en"), ("d", "uk"), ("e", "en")],
        [("e", "uk")],
    ]


# --- The admin and the API: the reader's choice ---------------------------------------------------


def test_the_api_answers_errors_in_the_language_asked_for(client, db):
    ukrainian = client.get("/api/v1/claims/", {"rating": "nope"}, HTTP_ACCEPT_LANGUAGE="uk")
    assert ukrainian.status_code == 400
    assert ukrainian.json() == {
        "detail": "Деякі параметри недійсні.",
        "errors": {"rating": ["Немає оцінки з таким slug. Список: /api/v1/ratings/."]},
    }
    assert ukrainian["Content-Language"] == "uk"
    assert "Accept-Language" in ukrainian["Vary"]
    by_parameter = client.get("/api/v1/no-such-endpoint/", {"language": "uk"})
    assert by_parameter.json()["detail"].startswith("За цією адресою немає кінцевої точки.")
    english = client.get("/api/v1/claims/", {"rating": "nope"})
    assert english.json()["detail"] == "Some parameters are not valid."
    assert english["Content-Language"] == "en"


def test_the_api_ignores_the_language_cookie(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"
    assert client.get("/api/v1/claims/", {"rating": "nope"}).json()["detail"] == "Some parameters are not valid."


def test_the_admin_follows_the_browsers_language_and_the_choice_in_the_cookie(client, db):
    ukrainian = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="uk")
    assert '<html lang="uk"' in ukrainian.content.decode()
    assert "Код автентифікації" in ukrainian.content.decode()
    english = client.get("/admin/login/")
    assert "Authentication code" in english.content.decode()
    response = client.post("/i18n/setlang/", {"language": "uk", "next": "/admin/login/"})
    assert (response.status_code, response["Location"]) == (302, "/admin/login/")
    assert "Код автентифікації" in client.get("/admin/login/").content.decode()


def test_the_admin_offers_the_language_choice(client, editor):
    client.force_login(editor)
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert '<form class="admin-language" action="/i18n/setlang/" method="post">' in html
    assert '<option value="uk" selected>Українська</option>' in html


def test_notification_emails_are_written_in_the_language_they_are_sent_in():
    from django.template.loader import render_to_string

    with translation.override("uk"):
        body = render_to_string(
            "desk/email/published.txt",
            {
                "by": "Рецензент",
                "claim": {"title": "Заява"},
                "url": "https://x/admin/",
                "public_url": "https://x/uk/",
                "name": "Олена",
                "settings_url": "https://x/s/",
            },
        )
    assert "Рецензент опублікував(-ла) ваш вердикт щодо «Заява»." in body
    assert "Вітаємо, Олена!" in body


def test_the_error_pages_of_the_outage_and_size_limits_follow_the_address(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    response = client.post("/uk/tips/new/", {"claim": "x" * 100})
    assert response.status_code == 413
    assert "Запит завеликий" in response.content.decode()


# --- Adding a language is a catalogue and a setting -----------------------------------------------


def test_a_new_language_needs_only_the_setting_to_get_its_addresses(client, ukrainian_site, settings):
    settings.LANGUAGES = [*settings.LANGUAGES, ("ru", "Russian")]
    # A list page is in every language of the site (a claim page names only the languages its check
    # is published in: tests/translations).
    response = client.get("/ru/claims/")
    assert response.status_code == 200
    assert '<html lang="ru">' in response.content.decode()
    assert response["Content-Language"] == "ru"
    parsed = links(response)
    assert [code for code, _href in parsed.alternates] == ["en", "x-default", "uk", "ru"]
    assert ("uk", "/uk/claims/") in parsed.switcher
    assert "Русский" in response.content.decode()
    # Open Graph's language_TERRITORY, made up for a language the settings do not name.
    assert '<meta property="og:locale" content="ru_RU">' in response.content.decode()


def test_open_graph_names_each_page_locale_with_its_territory(client, ukrainian_site):
    assert '<meta property="og:locale" content="en_GB">' in client.get("/claims/").content.decode()
    assert '<meta property="og:locale" content="uk_UA">' in client.get("/uk/claims/").content.decode()


def test_nothing_names_ukrainian_outside_the_settings_and_its_catalogue():
    """README: adding Russian is a .po file and a line in LANGUAGES. Code that names "uk" would
    need changing for it."""
    # intake/cleaning.py names the languages of articles (content), not of the interface.
    allowed = {"intake/cleaning.py"}
    offenders = []
    for folder in ("claims", "desk", "factcheck", "intake", "organisation", "partners", "sources", "templates"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".py", ".html", ".txt") or "migrations" in path.parts or "formats" in path.parts:
                continue
            if str(path.relative_to(ROOT)) in allowed:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                # The settings name each language in LANGUAGES and, where Open Graph needs its
                # territory, in OG_LOCALES.
                if re.search(r"""["'/]uk["'/]""", line) and not re.search(r"\b(LANGUAGES|OG_LOCALES)\b", line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_date_formats_of_each_language_are_its_own():
    day = datetime.date(2024, 6, 14)
    from django.utils.formats import date_format

    with translation.override("uk"):
        assert date_format(day) == "14 червня 2024"
    with translation.override("en"):
        assert date_format(day) == "14 June 2024"
