"""From raw input to a clean article: boilerplate out, every sentence of the report in, metadata read,
sentences split whole, hostile input refused with a message that says why."""

import datetime
import gzip

import pytest

from intake import cleaning
from intake.cleaning import IntakeError
from tests.intake.conftest import BOILERPLATE, HEADLINE, REPORT, page


def test_seed_text_keeps_every_report_sentence_and_no_boilerplate(seed_text):
    article = cleaning.from_plain_text(seed_text)
    assert article.title == HEADLINE
    assert [s for _, s in cleaning.split_sentences(article.paragraphs)] == REPORT
    assert article.text.startswith(HEADLINE + "\n\nIn the event that Kyiv starts")
    assert article.text.endswith("Moscow withdrew from the capital and largest city of Kherson in November 2022.")
    for line in BOILERPLATE:
        assert line not in article.text, line
    assert (article.language, article.published_on, article.author) == ("en", None, "")


def test_sentences_keep_abbreviations_and_quotations_whole():
    split = cleaning.split_sentences(
        [
            "Mr. Putin declared in Moscow, “We will do it immediately.” His statements coincided with the G7 summit.",
            "Dr. Smith said the U.S. economy grew 2.5 percent. It was the best year since 2015.",
        ]
    )
    assert split == [
        (0, "Mr. Putin declared in Moscow, “We will do it immediately.”"),
        (0, "His statements coincided with the G7 summit."),
        (1, "Dr. Smith said the U.S. economy grew 2.5 percent."),
        (1, "It was the best year since 2015."),
    ]


def test_plain_text_date_and_byline_lines_are_read_then_dropped():
    text = (
        "Breaking News\n\nCity budget doubles\n\nBy Jane Doe\n\nPublished on 14 June 2024\n\n"
        "The city budget doubled to 4 million euros, the treasurer said.\n\nShare this\nTweet\n\n"
        "Read more: Budget coverage\n\n© 2024 City Times. All rights reserved."
    )
    article = cleaning.from_plain_text(text)
    assert article.title == "City budget doubles"
    assert article.paragraphs == ["The city budget doubled to 4 million euros, the treasurer said."]
    assert (article.author, article.published_on) == ("Jane Doe", datetime.date(2024, 6, 14))


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Published on 2024-06-14", datetime.date(2024, 6, 14)),
        ("Updated: June 14, 2024", datetime.date(2024, 6, 14)),
        ("Posted on 3rd March 2023", datetime.date(2023, 3, 3)),
        ("Published on 31 February 2024", None),
        ("Published on", None),
    ],
)
def test_date_lines(line, date):
    article = cleaning.from_plain_text(f"Headline here\n\n{line}\n\nThe council spent 3 million on roads last year.")
    assert article.published_on == date
    assert article.paragraphs == ["The council spent 3 million on roads last year."]


def test_lines_without_blank_lines_are_paragraphs_each():
    article = cleaning.from_plain_text("Title of it\nFirst paragraph has words here.\nSecond one has words too.")
    assert (article.title, article.paragraphs) == (
        "Title of it",
        ["First paragraph has words here.", "Second one has words too."],
    )


def test_a_long_boilerplate_looking_paragraph_is_kept():
    # Only short lines are page furniture: a paragraph that opens like one is still the report.
    text = "Headline\n\nRead more than " + "fifty words about the budget " * 25 + "today."
    assert len(cleaning.from_plain_text(text).paragraphs) == 1


def test_news_page_main_text_and_metadata_by_trafilatura():
    article = cleaning.from_bytes(page("riverside-bus-fares.html"), content_type="text/html")
    assert article.title == "Council says bus fares will fall by 10 percent next year"
    assert (article.author, article.site_name, article.published_on, article.language) == (
        "Maria Okafor",
        "The Riverside Courier",
        datetime.date(2024, 3, 7),
        "en",
    )
    assert article.paragraphs == [
        "Riverside council will cut the price of a single bus ticket by 10 percent from January, its transport chief "
        "Daniel Reyes said on Wednesday.",
        "Mr. Reyes told a meeting at the town hall that the number of passengers had risen from 2.1 million in 2019 "
        "to 2.6 million last year, more than in any other city in the region.",
        "“We will put 40 new electric buses on the road before the end of 2025,” he said. The council expects the "
        "new fleet to cut the network's emissions by a third.",
        "Opposition councillor Priya Natarajan said the plan was unaffordable because the council had already "
        "borrowed £12 million to cover last year's deficit.",
        "The meeting lasted almost three hours. Several residents thanked the committee for listening.",
    ]
    for furniture in ["cookies", "Related stories", "Leave a Reply", "All rights reserved", "Injected", "Tweet"]:
        assert furniture not in article.text, furniture


def test_scripts_iframes_and_handlers_never_reach_the_text():
    article = cleaning.from_bytes(page("hostile.html"), content_type="text/html")
    assert "alert(" not in article.text.replace('<script>alert("escaped")</script>', "")
    assert article.paragraphs[-1] == (
        'The text <script>alert("escaped")</script> appears literally in this paragraph, as a reporter quoted it.'
    )
    assert article.published_on is None  # no date in its markup: none is guessed from the text


def test_other_languages_are_recognised():
    article = cleaning.from_bytes(page("berlin-haushalt.html"), content_type="text/html")
    assert (article.language, article.title) == ("de", "Senat kündigt Sparhaushalt an")
    assert cleaning.language_name(article.language) == "German"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n\x00\x00\x01binary",
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10,
        bytes(range(1, 32)) * 300,
        gzip.compress(b"article text " * 100),
    ],
    ids=["pdf", "png", "controls", "gzip"],
)
def test_binary_data_is_refused_as_not_text(data):
    with pytest.raises(IntakeError) as refused:
        cleaning.from_bytes(data, filename="article.txt")
    assert refused.value.code == "binary"
    assert refused.value.message == (
        "This is not text or a web page (it looks like binary data, such as an image, a PDF or an archive)."
    )


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"", ""),
        (b"   \n\n  ", "text/plain"),
        (b"<html><body><nav>Home</nav><footer>All rights reserved.</footer></body></html>", "text/html"),
        (b"Leave a Reply\n\nExit mobile version", "text/plain"),
    ],
    ids=["nothing", "blank", "empty-page", "only-boilerplate"],
)
def test_empty_input_is_refused(data, content_type):
    with pytest.raises(IntakeError) as refused:
        cleaning.from_bytes(data, content_type=content_type)
    assert refused.value.code == "empty"
    assert refused.value.message == (
        "No article text was found: the page or file is empty, or holds only navigation and boilerplate."
    )


def test_a_book_length_text_is_refused():
    with pytest.raises(IntakeError) as refused:
        cleaning.from_plain_text("Title\n\n" + "The budget grew. " * 7000)
    assert refused.value.message == (
        "This text has 21,000 words; an article can have at most 20,000. Import the part that matters, or split it."
    )


def test_declared_charsets_are_honoured():
    text = "Title\n\nThe café’s owner said prices rose 5 percent in 2023."
    assert cleaning.from_bytes(text.encode("cp1252"), charset="windows-1252").paragraphs == [text.split("\n\n")[1]]
    html = '<html><head><meta charset="iso-8859-1"><title>Prix</title></head><body><article><p>'
    html += "Le café a augmenté ses prix de cinq pour cent en 2023, selon le propriétaire.</p></article></body></html>"
    article = cleaning.from_bytes(html.encode("iso-8859-1"))
    assert article.paragraphs == ["Le café a augmenté ses prix de cinq pour cent en 2023, selon le propriétaire."]
    assert article.language == "fr"
