"""The guard on addresses partners give us: public addresses only, however written, checked again
for every request and every redirect (the DNS may change its answer between registration and
delivery). The network is patched where a test needs a name to resolve; nothing else is."""

import socket

import pytest

from partners import urlguard


@pytest.fixture
def dns(monkeypatch):
    """answers[host] = [addresses], in turn for each lookup (the last one sticks)."""
    answers = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        queue = answers[host]
        addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.fixture
def strict(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = []


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.8",
        "172.16.5.4",
        "192.168.0.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared (carrier-grade NAT)
        "0.0.0.0",  # noqa: S104 - an address refused, not bound
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",  # an IPv4 loopback written as IPv6
        "::ffff:10.0.0.1",
    ],
)
def test_private_and_reserved_addresses_are_refused(strict, address):
    assert not urlguard.is_allowed_address(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700:4700::1111", "8.8.8.8"])
def test_public_addresses_are_allowed(strict, address):
    assert urlguard.is_allowed_address(address)


@pytest.mark.parametrize(
    "url",
    ["http://127.1/", "http://2130706433/", "http://0x7f000001/", "http://localhost/", "http://[::ffff:7f00:1]/"],
)
def test_loopback_written_otherwise_is_still_loopback(strict, url):
    with pytest.raises(urlguard.UnsafeURL, match="a private or reserved address"):
        urlguard.check_url(url)


def test_a_name_is_checked_by_every_address_it_resolves_to(strict, dns):
    dns["mixed.partner.example"] = [["93.184.215.14", "10.0.0.5"]]
    with pytest.raises(urlguard.UnsafeURL, match="resolves to 10.0.0.5"):
        urlguard.check_url("https://mixed.partner.example/hook")


def test_the_connection_goes_to_the_address_that_was_checked(strict, dns):
    dns["hooks.partner.example"] = [["93.184.215.14"]]
    target = urlguard.check_url("https://hooks.partner.example:8443/in?x=1")
    assert target == urlguard.Target("https", "hooks.partner.example", 8443, "/in?x=1", "93.184.215.14")
    assert target.host_header == "hooks.partner.example:8443"


def test_a_name_that_turns_private_after_registration_is_refused_when_sending(strict, dns):
    # DNS rebinding: public when registered, loopback when the delivery goes out.
    dns["rebind.partner.example"] = [["93.184.215.14"], ["127.0.0.1"]]
    urlguard.check_url("http://rebind.partner.example/")
    with pytest.raises(urlguard.UnsafeURL, match="resolves to 127.0.0.1"):
        urlguard.post("http://rebind.partner.example/", body=b"{}", headers={}, timeout=1)


def test_allowed_networks_let_a_private_address_through(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    assert urlguard.is_allowed_address("127.0.0.1")
    assert not urlguard.is_allowed_address("127.0.0.2")
    assert not urlguard.is_allowed_address("10.0.0.1")


def test_a_redirect_is_checked_like_the_first_address(settings, receiver):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    receiver.redirect_to = "http://127.0.0.2:9/internal"
    with pytest.raises(urlguard.UnsafeURL, match="127.0.0.2 resolves to 127.0.0.2"):
        urlguard.post(receiver.url, body=b"{}", headers={}, timeout=2)
    assert len(receiver.requests) == 1


def test_307_and_308_redirects_are_followed_with_the_body_a_few_times(settings, receiver):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    receiver.redirect_to = receiver.url + "/again"
    with pytest.raises(urlguard.UnsafeURL, match="More than 3 redirects."):
        urlguard.post(receiver.url, body=b'{"a": 1}', headers={"Content-Type": "application/json"}, timeout=2)
    assert len(receiver.requests) == 4
    assert {r["body"] for r in receiver.requests} == {b'{"a": 1}'}
    receiver.redirect_to, receiver.statuses = None, [200]
    answer = urlguard.post(receiver.url, body=b"{}", headers={}, timeout=2)
    assert (answer.status, answer.excerpt) == (200, "ok")
