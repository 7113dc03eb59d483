"""The one safe fetcher (beheer/safe_fetch.py): address rules and the wall-clock deadline."""

import ipaddress
import socket
import threading
import time

import pytest

from beheer.safe_fetch import FetchError, address_allowed, call_with_deadline, fetch
from connectieaanvragen.jwks import fetch_and_check

# --- addresses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address, inside",
    [
        ("2002:7f00:1::", "127.0.0.1"),  # 6to4
        ("2002:a00:1::", "10.0.0.1"),
        ("2002:a9fe:a9fe::", "169.254.169.254"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "127.0.0.1"),  # Teredo (client bits inverted)
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "10.0.0.1"),
        ("64:ff9b::7f00:1", "127.0.0.1"),  # NAT64 well-known prefix
        ("64:ff9b::a00:1", "10.0.0.1"),
        ("64:ff9b:1::a00:1", "10.0.0.1"),  # NAT64 local-use prefix
        ("::ffff:7f00:1", "127.0.0.1"),  # IPv4-mapped
    ],
)
def test_ipv6_transition_addresses_are_judged_on_the_ipv4_address_inside(address, inside):
    assert not address_allowed(ipaddress.ip_address(address))
    assert not address_allowed(ipaddress.ip_address(inside))


@pytest.mark.parametrize(
    "address",
    [
        "2002:9161:279b::",  # 6to4 of 145.97.39.155
        "64:ff9b::9161:279b",  # NAT64 of 145.97.39.155
        "2001:0:4136:e378:8000:63bf:6e9e:d864",  # Teredo, client 145.97.39.155 (inverted)
    ],
)
def test_a_transition_address_of_a_public_ipv4_address_is_allowed(address):
    assert address_allowed(ipaddress.ip_address(address))


def test_an_allowed_network_opens_the_embedded_address_too():
    assert address_allowed(ipaddress.ip_address("2002:7f00:1::"), ["127.0.0.0/8"])


def test_a_6to4_address_of_loopback_is_refused_before_connecting(settings):
    settings.KT_JWKS_ALLOWED_NETWORKS = []
    result = fetch_and_check("https://[2002:7f00:1::]/jwks.json")
    assert "intern of lokaal adres (2002:7f00:1::)" in result.error


def test_a_port_above_65535_is_a_dutch_error_not_a_crash():
    with pytest.raises(FetchError) as info:
        fetch("https://keys.example.org:70000/jwks.json", deadline=1, max_bytes=10)
    assert info.value.code == "invalid_url"
    assert fetch_and_check("https://keys.example.org:70000/jwks.json").error == (
        "De JWKS URI heeft een ongeldig poortnummer."
    )


def test_plain_http_is_refused_unless_the_caller_allows_it():
    with pytest.raises(FetchError) as info:
        fetch("http://keys.example.org/jwks.json", deadline=1, max_bytes=10)
    assert info.value.code == "not_https"


# --- the deadline -------------------------------------------------------------------------------


class SlowHeaderServer:
    """Answers every connection with a status line and headers sent one byte at a time, for
    at most `seconds` (so the fixture itself always ends); records whether the client hung up
    before the server ran out of bytes."""

    def __init__(self, *, byte_every=0.1, seconds=60):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.byte_every = byte_every
        self.seconds = seconds
        self.client_hung_up = threading.Event()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        self.listener.settimeout(0.1)
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn):
        with conn:
            conn.settimeout(1)
            try:
                conn.recv(65536)  # the request
            except OSError:
                return
            header = b"HTTP/1.1 200 OK\r\nX-Langzaam: " + b"a" * 100_000
            end = time.monotonic() + self.seconds
            for i in range(len(header)):
                if self.stop.is_set() or time.monotonic() > end:
                    return
                try:
                    conn.sendall(header[i : i + 1])
                except OSError:
                    self.client_hung_up.set()
                    return
                time.sleep(self.byte_every)

    def url(self):
        return f"http://127.0.0.1:{self.port}/jwks.json"

    def close(self):
        self.stop.set()
        self.thread.join(5)
        self.listener.close()


@pytest.fixture
def slow_header_server():
    server = SlowHeaderServer()
    yield server
    server.close()


def test_headers_sent_one_byte_at_a_time_cannot_outlast_the_deadline(slow_header_server):
    started = time.monotonic()
    with pytest.raises(FetchError) as info:
        fetch(
            slow_header_server.url(),
            deadline=1,
            max_bytes=65536,
            allow_http=True,
            allowed_networks=["127.0.0.0/8"],
        )
    assert info.value.code == "timeout"
    # The server had a minute of bytes left; the fetch gave up long before (generous bound).
    assert time.monotonic() - started < 30
    assert slow_header_server.client_hung_up.wait(10)


def test_the_jwks_check_of_a_slow_header_server_times_out(slow_header_server, settings):
    settings.DEBUG = True
    settings.KT_JWKS_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.KT_JWKS_TIMEOUT = 1
    started = time.monotonic()
    assert fetch_and_check(slow_header_server.url()).error == (
        "Het ophalen van de JWKS URI duurde te lang."
    )
    assert time.monotonic() - started < 30


def test_call_with_deadline_stops_waiting_for_a_slow_call():
    release = threading.Event()
    with pytest.raises(TimeoutError):
        call_with_deadline(lambda: release.wait(60), seconds=0.2, on_timeout=TimeoutError)
    release.set()
    assert call_with_deadline(lambda: 42, seconds=5, on_timeout=TimeoutError) == 42
    with pytest.raises(ZeroDivisionError):
        call_with_deadline(lambda: 1 / 0, seconds=5, on_timeout=TimeoutError)


def test_a_fhir_server_that_trickles_its_headers_cannot_outlast_the_deadline(slow_header_server):
    from beheer.fhir.client import FhirClient, RetryableFhirError

    client = FhirClient(f"http://127.0.0.1:{slow_header_server.port}/fhir/", timeout=(1, 1))
    started = time.monotonic()
    with pytest.raises(RetryableFhirError, match="niet op tijd"):
        client.read("Device", "x")
    assert time.monotonic() - started < 30  # the server had a minute of bytes left
