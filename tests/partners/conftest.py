"""The partner's side: an API key, a client that sends it, and a local HTTP server that receives
webhooks (on 127.0.0.1, which the tests allow through WEBHOOK_ALLOWED_NETWORKS)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from claims.models import APIKey


@pytest.fixture(autouse=True)
def _local_receivers_allowed(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.WEBHOOK_TIMEOUT = 5


@pytest.fixture(autouse=True)
def dataset_root(settings, tmp_path):
    """Each test's dataset files in a folder of its own."""
    root = tmp_path / "datasets"
    settings.STORAGES = {
        **settings.STORAGES,
        "datasets": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    return root


def make_key(name="Example Newsroom", email="tech@newsroom.example"):
    prefix, raw = APIKey.generate()
    key = APIKey.objects.create(name=name, prefix=prefix, hashed_key=APIKey.hash(raw), contact_email=email)
    return key, raw


@pytest.fixture
def partner(db):
    """(APIKey, the raw key)."""
    return make_key()


@pytest.fixture
def partner_headers(partner):
    return {"HTTP_AUTHORIZATION": f"Bearer {partner[1]}"}


class Receiver:
    """A partner's webhook receiver: records each request (headers, body, the status it answered)
    and answers with the next status of `statuses` (then 204)."""

    def __init__(self):
        self.requests = []
        self.statuses = []
        self.redirect_to = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                if receiver.redirect_to:
                    receiver.requests[-1]["status"] = 307
                    self.send_response(307)
                    self.send_header("Location", receiver.redirect_to)
                    self.end_headers()
                    return
                status = receiver.statuses.pop(0) if receiver.statuses else 204
                receiver.requests[-1]["status"] = status
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def bodies(self):
        return [json.loads(r["body"]) for r in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()
