"""From what an editor brings (pasted text, an uploaded file, a fetched page) to a clean article:
its text without the page's boilerplate, its metadata and its sentences.

HTML goes through trafilatura, a library made to find a page's main text and metadata. Plain text
(such as a scraper's output, like the seed article) goes through a line-level cleaner that drops
comment prompts, share and navigation lines, "Published on" stubs and the like, reading a date or an
author from them where they carry one. Nothing here touches the database, and nothing of the input
is ever rendered as HTML: the result is plain text.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from django.utils import translation

from sources.text import strip_controls


class IntakeError(Exception):
    """The input cannot become a source; the message says why, in words an editor understands."""

    def __init__(self, message, *, code="invalid"):
        super().__init__(message)
        self.message, self.code = message, code


@dataclass
class Article:
    title: str
    paragraphs: list
    author: str = ""
    site_name: str = ""
    published_on: datetime.date | None = None
    language: str = "en"
    url: str = ""
    notes: list = field(default_factory=list)

    @property
    def text(self):
        """The snapshot: the headline, then the paragraphs, separated by blank lines."""
        return "\n\n".join([self.title, *self.paragraphs] if self.title else self.paragraphs)

    @property
    def word_count(self):
        return sum(len(p.split()) for p in self.paragraphs)


# Limits of what counts as an article (a longer text is a book or a dump, not an intake).
MAX_WORDS = 20_000
MIN_WORDS = 5
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)

# --- Decoding ---------------------------------------------------------------------------------------

_HTML_START = re.compile(r"^\s*(?:<!doctype html|<html|<head|<body|<article|<meta|<p[\s>]|<div)", re.I)
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.I)


def decode(data, *, charset=""):
    """Bytes to text: the declared charset, a BOM or an HTML meta charset, else UTF-8, else what
    charset-normalizer finds. Refuses data that is not text."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IntakeError(_not_text(), code="binary")
    meta = _CHARSET.search(data[:4096])
    for candidate in (charset, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "", meta and meta.group(1)):
        if candidate:
            try:
                return _checked_text(data.decode(candidate if isinstance(candidate, str) else candidate.decode()))
            except (LookupError, UnicodeDecodeError):
                continue
    try:
        return _checked_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise IntakeError(_not_text(), code="binary")
    return _checked_text(str(best))


def _not_text():
    return "This is not text or a web page (it looks like binary data, such as an image, a PDF or an archive)."


def _checked_text(text):
    """Text with too many control or unassigned characters is binary data that happened to decode."""
    sample = text[:20000]
    if not sample:
        return text
    odd = sum(1 for ch in sample if unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs") and ch not in "\t\n\r\f")
    if odd / len(sample) > 0.02:
        raise IntakeError(_not_text(), code="binary")
    return text


def looks_like_html(text, *, content_type="", filename=""):
    if content_type:
        return content_type in HTML_TYPES
    if filename.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    if filename.lower().endswith(".txt"):
        return False
    return bool(_HTML_START.match(text[:2000]))


def from_bytes(data, *, content_type="", charset="", filename="", url=""):
    """An Article from a file or a fetched body."""
    text = decode(data, charset=charset)
    if looks_like_html(text, content_type=content_type, filename=filename):
        return from_html(text, url=url)
    return from_plain_text(text, url=url)


# --- HTML -------------------------------------------------------------------------------------------

_LANG_ATTR = re.compile(r"<html[^>]*\blang=[\"']?([A-Za-z]{2,3})", re.I)


def from_html(html, *, url=""):
    """The page's main text and metadata, by trafilatura (scripts, styles, iframes, navigation,
    comments and footers are left out by it), then the line cleaner for what it let through."""
    import trafilatura

    document = trafilatura.bare_extraction(
        html,
        url=url or None,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        favor_precision=True,
        # Dates from the page's markup only: a year guessed from the text would be an invented date.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None or not (document.text or "").strip():
        raise IntakeError(_no_text(), code="empty")
    title = _one_line(document.title or "")
    lines = [line for line in document.text.splitlines() if line.strip()]
    if lines and title and _one_line(lines[0]).casefold() == title.casefold():
        lines = lines[1:]  # the page's own headline, already the title
    article = _clean_lines(lines, url=url)
    article.title = title or article.title
    article.author = _one_line(document.author or "") or article.author
    article.site_name = _one_line(document.sitename or "") or article.site_name
    article.published_on = _parse_date(document.date or "") or article.published_on
    declared = _LANG_ATTR.search(html[:5000])
    return _finish(article, declared=declared.group(1).lower() if declared else "")


def _no_text():
    return "No article text was found: the page or file is empty, or holds only navigation and boilerplate."


# --- Plain text -------------------------------------------------------------------------------------

# Whole lines that are page furniture, never the report. Case-insensitive; a line matches as a whole.
BOILERPLATE = [
    r"(?:latest|breaking|top|more|related|trending|recommended|popular)(?: news| stories| posts| articles)?:?",
    r"(?:read|see) (?:more|next|also|the full story)\b.{0,100}",
    r"related(?: articles| posts| stories| content| coverage)?:?.{0,100}",
    r"leave a (?:reply|comment)\.?",
    r"(?:post a |add a |\d+ )?comments?:?",
    r"your email address will not be published\..{0,100}",
    r"required fields are marked \*?",
    r"(?:cancel reply|reply|log in to reply)",
    r"exit mobile version",
    r"skip to (?:the )?(?:main )?content",
    r"(?:share|share this|share on|share via|tweet|pin it|email|print|copy link|whatsapp|facebook|twitter|x|"
    r"telegram|linkedin|reddit)(?: (?:on|via|this|article|story|post)(?: \w+)?)?:?",
    r"(?:menu|home|search|subscribe|sign up|sign in|log in|register|newsletter|advertisement|sponsored|"
    r"sponsored content|ad|close|toggle navigation|navigation|back to top|loading\.{0,3})",
    r"(?:subscribe|sign up)(?: to| for)? (?:our |the )?newsletter\b.{0,100}",
    r"follow us\b.{0,100}",
    r"click here\b.{0,100}",
    r"continue reading\b.{0,100}",
    r"(?:previous|next) (?:article|post|story)\b.{0,100}",
    r"(?:tags?|filed under|categories|category|posted in):.{0,100}",
    r"(?:photo|image|picture|credit|source)(?: credit)?: .{0,100}",
    r"(?:©|\(c\)|copyright\b).{0,100}",
    r"all rights reserved\.?",
    r"(?:we use cookies|this (?:web)?site uses cookies|accept(?: all)? cookies)\b.{0,100}",
    r"(?:accept|decline|got it|ok)",
    r"you may also like:?",
    r"(?:advertisement|scroll to continue)\b.{0,100}",
]
_BOILERPLATE = re.compile(r"^(?:" + "|".join(BOILERPLATE) + r")$", re.I)
# Date and author lines: dropped too, but read first.
_DATE_LINE = re.compile(
    r"^(?:published|posted|updated|last updated|first published|date)(?: on| at)?:?\s*(?P<date>.*)$", re.I
)
_BYLINE = re.compile(r"^(?i:by|written by|author:)\s+(?P<name>[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3})$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_MONTH_DAY_YEAR = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")


def _parse_date(text):
    """A date written as 2024-06-14, 14 June 2024 or June 14, 2024; None otherwise."""
    text = text.strip()
    found = None
    if m := _ISO_DATE.search(text):
        found = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
    elif (m := _DAY_MONTH_YEAR.search(text)) and m.group(2).lower() in _MONTHS:
        found = (int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
    elif (m := _MONTH_DAY_YEAR.search(text)) and m.group(1).lower() in _MONTHS:
        found = (int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
    if found is None:
        return None
    try:
        return datetime.date(*found)
    except ValueError:
        return None


def _one_line(text):
    return re.sub(r"\s+", " ", strip_controls(text)).strip()


def is_boilerplate(line):
    return bool(_BOILERPLATE.match(_one_line(line)))


def from_plain_text(text, *, url=""):
    """An Article from plain text: paragraphs are separated by blank lines (or, when the text has
    none, each line is one); the headline is the first short line without closing punctuation."""
    text = strip_controls(text).replace("\r\n", "\n").replace("\r", "\n")
    if "\n\n" in text.strip():
        blocks = [block.split("\n") for block in re.split(r"\n\s*\n", text)]
    else:
        blocks = [[line] for line in text.split("\n")]
    lines = []
    for block in blocks:
        kept = [line for line in block if line.strip()]
        if kept:
            lines.append(kept)
    article = _clean_lines(lines, url=url)
    if article.paragraphs and _looks_like_headline(article.paragraphs[0]) and len(article.paragraphs) > 1:
        article.title = article.paragraphs.pop(0)
    return _finish(article)


def _looks_like_headline(line):
    return len(line.split()) <= 25 and not line.rstrip().endswith((".", "!", "?", ":", ";", ",", "”", '"'))


def _clean_lines(blocks, *, url=""):
    """Paragraphs from blocks of lines (a block is one paragraph, a str one line): boilerplate lines
    are dropped; date and author lines are read, then dropped."""
    article = Article(title="", paragraphs=[], url=url)
    for block in blocks:
        kept = []
        for line in [block] if isinstance(block, str) else block:
            line = _one_line(line)
            if not line or is_boilerplate(line):
                continue
            if (m := _DATE_LINE.match(line)) and len(line) < 80:
                article.published_on = article.published_on or _parse_date(m.group("date"))
                continue
            if (m := _BYLINE.match(line)) and not article.author:
                article.author = m.group("name")
                continue
            kept.append(line)
        if kept:
            article.paragraphs.append(" ".join(kept))
    return article


# --- Checks, language, sentences --------------------------------------------------------------------


def _finish(article, *, declared=""):
    words = article.word_count
    if words < MIN_WORDS:
        raise IntakeError(_no_text(), code="empty")
    if words > MAX_WORDS:
        raise IntakeError(
            f"This text has {words:,} words; an article can have at most {MAX_WORDS:,}. Import the part that "
            "matters, or split it.",
            code="too_long",
        )
    if not article.title:
        first = article.paragraphs[0].split()
        article.title = " ".join(first[:12]) + ("…" if len(first) > 12 else "")
    article.title = article.title[:500]
    article.author = article.author[:300]
    article.language = detect_language(" ".join(article.paragraphs)) or declared or "en"
    return article


def detect_language(text):
    """The text's language code (ISO 639-1, as langdetect names it), or "" when it cannot tell."""
    from langdetect import DetectorFactory, LangDetectException, detect

    DetectorFactory.seed = 0  # langdetect samples at random: the same text must get the same answer
    try:
        return detect(text[:5000])
    except LangDetectException:
        return ""


def language_name(code):
    """The language's name in the editor's language (“German” for de), or the code if unknown."""
    try:
        return translation.get_language_info(code)["name_translated"]
    except KeyError:
        return code


@cache
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(paragraphs):
    """[(paragraph index, sentence), ...] in order, by pysbd (a rule-based splitter that keeps
    abbreviations such as "Mr. Putin" and quotations whole)."""
    sentences = []
    for index, paragraph in enumerate(paragraphs):
        for sentence in _segmenter().segment(paragraph):
            sentence = sentence.strip()
            if sentence:
                sentences.append((index, sentence))
    return sentences
