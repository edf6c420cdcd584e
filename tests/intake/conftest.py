"""The intake's test material: the seed article (what a scraper saved), saved news pages written for
these tests (pages/), and a local HTTP server that serves them on 127.0.0.2, the one address the
tests allow the fetcher to reach (INTAKE_FETCH_ALLOWED_NETWORKS)."""

import gzip
import http.server
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

SEED = Path(settings.BASE_DIR) / "seeds" / "putin-ceasefire-offer-article.txt"
PAGES = Path(__file__).parent / "pages"
SERVER_HOST = "127.0.0.2"

# The report, sentence by sentence, as the snapshot must hold it (after its headline).
REPORT = [
    "In the event that Kyiv starts to remove soldiers from the four occupied Ukrainian regions and abandons "
    "intentions to join NATO, Russian President Vladimir Putin has pledged to “immediately” order a truce in the "
    "country and start negotiations.",
    "Kyiv, which seeks to join the military alliance and has insisted that Russia remove its soldiers from all of "
    "its territory, seems unlikely to approve of such a deal.",
    "Mr. Putin declared during an address at the Russian Foreign Ministry in Moscow, “We will do it immediately.”",
    "His statements coincided with the G7 summit in Italy and Switzerland’s preparations to welcome a large number "
    "of international leaders this weekend to outline initial moves toward peace in Ukraine.",
    "In contrast to “freezing” the crisis in Ukraine, Mr. Putin stated that his approach aims for a “final "
    "resolution” and emphasized that the Kremlin is “ready to start negotiations without delay.”",
    "The Russian leader enumerated other general requests for peace, such as Ukraine’s non-nuclear status, "
    "limitations on its use of force, and defense of the rights of the nation’s Russian-speaking populace.",
    "“We are calling for the turning of this sad page in history and the gradual restoration of unity not only "
    "between Russia and Ukraine but also throughout Europe,” stated Mr. Putin.",
    "Although Mr. Putin did not make any fresh demands, his speech did mark a rare occasion on which he explicitly "
    "outlined his demands for bringing an end to the conflict in Ukraine.",
    "Kyiv should acknowledge its territorial gains and renounce its quest to join NATO, the Kremlin has previously "
    "stated.",
    "Though neither of the four illegally acquired districts of 2022 is totally under Russian authority, President "
    "Putin stated on Friday that Kyiv should leave the areas completely and effectively hand them over to Moscow "
    "inside their administrative borders.",
    "In the southeast, Russia continues to have no authority over the 700,000-person administrative center of "
    "Zaporizhzhia; in the neighboring province of Kherson, Moscow withdrew from the capital and largest city of "
    "Kherson in November 2022.",
]
HEADLINE = "Putin Offers To Maintain Ceasefire In Ukraine Should Kyiv Remove Troops And Abandon NATO Bid"
# What the issue names as the seed's checkable sentences (positions in REPORT, from 1): the conditional
# ceasefire offer, "ready to start negotiations without delay", "did not make any fresh demands", and the
# statements of who controls the four regions, Zaporizhzhia and Kherson.
CHECKABLE = {1, 5, 8, 10, 11}
BOILERPLATE = [
    "Latest News",
    "Published on",
    "Leave a Reply",
    "Your email address will not be published",
    "Required fields are marked",
    "Exit mobile version",
]
# The seed claims each checkable sentence is a claim of (slugs from seeds/putin-ceasefire.json).
SEED_CLAIM_OF = {
    1: "putin-pledges-immediate-ceasefire-if-kyiv-withdraws",
    5: "kremlin-ready-to-negotiate-without-delay",
    8: "putin-did-not-make-any-fresh-demands",
    10: "putin-demands-kyiv-leave-four-regions-within-administrative-borders",
}


@pytest.fixture
def seed_text():
    return SEED.read_text(encoding="utf-8")


def page(name):
    return (PAGES / name).read_bytes()


class NewsHandler(http.server.BaseHTTPRequestHandler):
    """Routes of the local news site; every odd behaviour the fetcher must refuse has one."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet tests
        pass

    def do_GET(self):  # noqa: N802 - the stdlib's name
        routes = {
            "/news/bus-fares": lambda: self._send(200, "text/html; charset=utf-8", page("riverside-bus-fares.html")),
            "/news/hostile": lambda: self._send(200, "text/html", page("hostile.html")),
            "/news/berlin": lambda: self._send(200, "text/html; charset=utf-8", page("berlin-haushalt.html")),
            "/seed.txt": lambda: self._send(200, "text/plain; charset=utf-8", SEED.read_bytes()),
            "/moved": lambda: self._redirect("/news/bus-fares"),
            "/to-loopback": lambda: self._redirect(f"http://127.0.0.1:{self.server.server_port}/news/bus-fares"),
            "/to-ftp": lambda: self._redirect("ftp://127.0.0.2/file.txt"),
            "/report.pdf": lambda: self._send(200, "application/pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" * 20),
            "/photo.png": lambda: self._send(200, "image/png", b"\x89PNG\r\n\x1a\n" + bytes(200)),
            "/big": lambda: self._send(200, "text/html", b"<p>" + b"word " * 100_000 + b"</p>"),
            "/big-streamed": self._streamed,
            "/bomb": self._bomb,
            "/slow": self._slow,
            "/binary-as-html": lambda: self._send(200, "text/html", bytes(range(256)) * 40),
            "/empty": lambda: self._send(200, "text/html", b"<html><body><nav>Home</nav></body></html>"),
        }
        if self.path.startswith("/loop/"):
            n = int(self.path.rsplit("/", 1)[1])
            return self._redirect(f"/loop/{n + 1}")
        route = routes.get(self.path)
        if route is None:
            return self._send(404, "text/html", b"<h1>Not found</h1>")
        return route()

    def _send(self, status, content_type, body, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _streamed(self):
        # No Content-Length: the body ends when the connection closes; it goes on past any cap.
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            for _ in range(400):
                self.wfile.write(b"<p>" + b"more words " * 100 + b"</p>")
        except OSError:
            pass  # the fetcher hung up at its cap
        self.close_connection = True

    def _bomb(self):
        # 60 KB compressed, 6 MB once decompressed: the cap counts decompressed bytes.
        body = gzip.compress(b"<p>" + b"a" * 6_000_000 + b"</p>")
        self._send(200, "text/html", body, headers=[("Content-Encoding", "gzip")])

    def _slow(self):
        time.sleep(3)
        self._send(200, "text/html", page("riverside-bus-fares.html"))


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that hung up (a timeout, a size cap) is what the tests want


@pytest.fixture
def news_server(settings):
    """The base URL of the local news site, which the fetcher may reach (and nothing else private)."""
    server = QuietServer((SERVER_HOST, 0), NewsHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    settings.INTAKE_FETCH_ALLOWED_NETWORKS = [f"{SERVER_HOST}/32"]
    settings.INTAKE_FETCH_TIMEOUT = 1.0
    settings.INTAKE_FETCH_MAX_BYTES = 200_000
    try:
        yield f"http://{SERVER_HOST}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
