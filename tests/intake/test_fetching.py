"""Fetching a URL: a saved news page served by a local server goes through the URL path end to end;
each guard refuses with its own message and leaves nothing but the record of the failure."""

import datetime
import socket

import pytest

from intake import fetching, services
from intake.fetching import FetchError
from intake.models import Intake
from sources.models import Source

pytestmark = pytest.mark.django_db


def _refusal(url):
    with pytest.raises(FetchError) as refused:
        fetching.fetch(url)
    return refused.value.code, refused.value.message


def test_a_saved_news_page_goes_through_the_url_path(editor, news_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.intake_from_url(url=f"{news_server}/moved", by=editor)
    intake = Intake.objects.select_related("source__publisher").get(pk=queued.pk)
    source = intake.source
    assert (intake.method, intake.status, intake.url, intake.error) == ("url", "ready", f"{news_server}/moved", "")
    # The redirect's target is the source's address.
    assert (source.url, source.title, source.author, source.published_on, source.accessed_on) == (
        f"{news_server}/news/bus-fares",
        "Council says bus fares will fall by 10 percent next year",
        "Maria Okafor",
        datetime.date(2024, 3, 7),
        datetime.date.today(),
    )
    assert (source.publisher.name, source.publisher.domain) == ("The Riverside Courier", "127.0.0.2")
    assert source.snapshot_text.startswith(
        "Council says bus fares will fall by 10 percent next year\n\nRiverside council"
    )
    top = intake.sentences.order_by("-score").first()
    assert top.text == (
        "Mr. Reyes told a meeting at the town hall that the number of passengers had risen from 2.1 million in 2019 "
        "to 2.6 million last year, more than in any other city in the region."
    )
    assert intake.sentences.get(position=1).speaker == "Daniel Reyes"


def test_a_plain_text_url_is_cleaned_like_a_pasted_text(editor, news_server, seed_text):
    pasted = services.intake_from_text(text=seed_text, by=editor)
    queued = services.intake_from_url(url=f"{news_server}/seed.txt", by=editor, background=False)
    fetched = services.intake_fetch(intake_id=queued.pk)
    # Same text, same hash: the existing source, although this one came with an address.
    assert (fetched.status, fetched.source, fetched.reused_source) == ("ready", pasted.source, True)


def test_a_private_address_is_refused_without_the_setting(news_server, settings):
    settings.INTAKE_FETCH_ALLOWED_NETWORKS = []
    assert _refusal(f"{news_server}/news/bus-fares") == (
        "private_address",
        "“127.0.0.2” resolves to 127.0.0.2, a loopback address: only pages on the public internet are fetched.",
    )


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://localhost/", "a loopback"),
        ("http://10.1.2.3/", "a private"),
        ("http://192.168.0.1/", "a private"),
        ("http://169.254.169.254/latest/meta-data/", "a link-local"),
        ("http://0.0.0.0/", "a reserved"),
        ("http://[::1]/", "a loopback"),
        ("http://[::ffff:127.0.0.1]/", "a loopback"),
        ("http://224.0.0.1/", "a multicast"),
    ],
)
def test_addresses_that_are_not_public_are_refused(url, kind):
    code, message = _refusal(url)
    assert code == "private_address"
    assert f", {kind} address: only pages on the public internet are fetched." in message


def test_a_redirect_to_loopback_is_refused(news_server):
    code, message = _refusal(f"{news_server}/to-loopback")
    assert (code, message) == (
        "private_address",
        "“127.0.0.1” resolves to 127.0.0.1, a loopback address: only pages on the public internet are fetched.",
    )


def test_a_redirect_to_another_scheme_is_refused(news_server):
    assert _refusal(f"{news_server}/to-ftp") == ("scheme", "Only http:// and https:// addresses can be imported.")


def test_at_most_five_redirects(news_server):
    code, message = _refusal(f"{news_server}/loop/0")
    assert (code, message) == (
        "too_many_redirects",
        f"The page redirected more than 5 times; the last address was {news_server}/loop/6.",
    )


@pytest.mark.parametrize("path", ["/big", "/big-streamed", "/bomb"])
def test_a_page_over_the_size_cap_is_refused(news_server, path):
    assert _refusal(f"{news_server}{path}") == (
        "too_big",
        "The page is larger than 195 KB, the most that is imported. Paste the article's text instead.",
    )


@pytest.mark.parametrize(("path", "served"), [("/report.pdf", "application/pdf"), ("/photo.png", "image/png")])
def test_only_html_and_text_are_fetched(news_server, path, served):
    assert _refusal(f"{news_server}{path}") == (
        "content_type",
        f"The address serves {served}, not a web page or plain text: only HTML and text are imported.",
    )


def test_a_slow_page_times_out(news_server):
    assert _refusal(f"{news_server}/slow") == (
        "timeout",
        "The page took longer than 1 seconds to arrive; try again later, or paste its text.",
    )


def test_an_error_status_is_refused(news_server):
    assert _refusal(f"{news_server}/missing") == (
        "status",
        f"The page at {news_server}/missing answered HTTP 404, not the article.",
    )


@pytest.mark.parametrize(
    ("url", "code", "message"),
    [
        ("file:///etc/passwd", "scheme", "Only http:// and https:// addresses can be imported."),
        ("gopher://127.0.0.2/", "scheme", "Only http:// and https:// addresses can be imported."),
        (
            "http://user:secret@127.0.0.2/",
            "credentials",
            "Addresses with a user name or password in them are not fetched.",
        ),
        ("http://127.0.0.2:99999/", "host", "“http://127.0.0.2:99999/” has an invalid port."),
        ("http://no-such-host.invalid/", "dns", "The host “no-such-host.invalid” could not be found."),
    ],
)
def test_malformed_addresses_are_refused(url, code, message):
    assert _refusal(url) == (code, message)


def test_a_closed_port_says_it_could_not_be_reached(news_server):
    with socket.socket() as probe:
        probe.bind(("127.0.0.2", 0))
        port = probe.getsockname()[1]
    code, message = _refusal(f"http://127.0.0.2:{port}/")
    assert code == "connection"
    assert message.startswith("127.0.0.2 could not be reached (")


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/to-loopback", "“127.0.0.1” resolves to 127.0.0.1, a loopback address"),
        ("/binary-as-html", "This is not text or a web page (it looks like binary data"),
        ("/empty", "No article text was found"),
        ("/report.pdf", "The address serves application/pdf"),
    ],
)
def test_a_refused_fetch_is_recorded_on_the_intake_and_saves_nothing_else(
    editor, news_server, django_capture_on_commit_callbacks, path, error
):
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.intake_from_url(url=f"{news_server}{path}", by=editor)
    intake = Intake.objects.get(pk=queued.pk)
    assert (intake.status, intake.source) == ("failed", None)
    assert intake.error.startswith(error)
    assert (Source.objects.count(), intake.sentences.count()) == (0, 0)


def test_a_fetch_runs_once(editor, news_server):
    queued = services.intake_from_url(url=f"{news_server}/news/bus-fares", by=editor, background=False)
    assert services.intake_fetch(intake_id=queued.pk).status == "ready"
    assert services.intake_fetch(intake_id=queued.pk) is None  # a second job for it finds nothing to do
    assert Source.objects.count() == 1
