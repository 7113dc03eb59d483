"""The one safe way to fetch a URL that someone outside chose (JWKS URI, FHIR base, token endpoint).

    response = fetch(url, deadline=5, max_bytes=65536, allowed_networks=[...])
    response.status, response.headers (lower-case names), response.body (bytes)

What it guarantees, whatever the other side does:

- **https** only; plain http only when the caller says so (`allow_http=True`, which the callers
  pass only in DEBUG for a loopback host, so a developer can run a local server);
- the host name is resolved once and **every** address must be globally routable: no private,
  loopback, link-local, multicast, reserved, unspecified or shared (CGNAT) address, and the
  IPv6 forms that carry an IPv4 address (IPv4-mapped, 6to4 `2002::/16`, Teredo `2001::/32`,
  NAT64 `64:ff9b::/96` and `64:ff9b:1::/48`) are judged on the IPv4 address inside. Networks
  in `allowed_networks` (development and tests only) are let through;
- we connect to the checked address itself (**pinned**: DNS rebinding cannot swap it), with TLS
  verified against the host name;
- **no redirects** are followed (`FetchError` with code "redirect");
- **one wall-clock deadline** over the whole exchange: name resolution, connect, TLS handshake,
  status line, headers and body. Every socket operation waits at most the time that is left,
  and a watchdog shuts the socket down when the deadline passes, so a server that trickles its
  headers one byte at a time cannot hold the worker either;
- a **size cap** on the body (streamed; we stop reading as soon as it is exceeded).

Errors are `FetchError` with a Dutch `message` (about "het adres"; callers may re-word it) and a
stable English `code`. No network I/O may happen inside a database transaction: call this first,
store the outcome with a service afterwards.

`call_with_deadline(func, seconds=...)` is the stop-gap for code that still uses `requests`
(beheer/fhir): it runs the call in a helper thread and gives up waiting at the deadline, so the
worker is free again even when the remote side trickles; prefer `fetch()`.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# IPv6 ranges that embed an IPv4 address, and how to get it out.
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
_TEREDO = ipaddress.ip_network("2001::/32")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598)


class FetchError(Exception):
    """The fetch was refused or failed; `message` is Dutch, `code` a stable identifier."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class FetchResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""


# --- addresses ----------------------------------------------------------------------------


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 transition address stands for, or None."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _SIX_TO_FOUR:
        return address.sixtofour
    if address in _TEREDO:
        return address.teredo[1]  # (server, client): the client is where packets go
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _NAT64_LOCAL:
        # RFC 8215 leaves the format to the operator; the common /96 form puts it last.
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _globally_routable(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (address.version == 4 and address in _SHARED)
    )


def address_allowed(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
    allowed_networks: Iterable = (),
) -> bool:
    """True when we may connect to `address`: globally routable (an IPv6 transition address
    judged on its IPv4 address), or inside one of `allowed_networks` (development only)."""
    networks = [ipaddress.ip_network(n, strict=False) for n in allowed_networks]
    candidates = [address]
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None:
            candidates = [inner]
    for candidate in candidates:
        if any(candidate in net for net in networks if net.version == candidate.version):
            return True
        if not _globally_routable(candidate):
            return False
    return True


def _resolve(host: str, port: int, *, seconds: float) -> list:
    """getaddrinfo in a helper thread: the resolver has its own timeouts, the deadline wins."""
    outcome: dict = {}

    def run():
        try:
            outcome["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True, name="safe-fetch-resolve")
    thread.start()
    thread.join(max(seconds, 0))
    if thread.is_alive():
        raise FetchError("Het opzoeken van de host duurde te lang.", code="timeout")
    if "error" in outcome:
        raise FetchError(f"De host '{host}' is onbekend.", code="unknown_host")
    return outcome["infos"]


def resolve_checked_address(host: str, port: int, *, allowed_networks=(), seconds=5.0) -> str:
    """Resolve `host`; every address must be allowed. Return the one to connect to."""
    addresses = []
    for info in _resolve(host, port, seconds=seconds):
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not address_allowed(address, allowed_networks):
            raise FetchError(
                f"De host '{host}' verwijst naar een intern of lokaal adres ({address}); "
                "dat is niet toegestaan.",
                code="address_not_allowed",
            )
        addresses.append(str(address))
    if not addresses:
        raise FetchError(f"De host '{host}' is onbekend.", code="unknown_host")
    return addresses[0]


# --- the exchange ---------------------------------------------------------------------------


class _Deadline:
    """The time left, and a watchdog that shuts the socket down when it runs out."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds
        self.expired = False
        self._sock = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            self.expired = True
            raise TimeoutError
        return left

    def watch(self, sock) -> None:
        with self._lock:
            self._sock = sock
            if self.expired:
                self._shutdown()

    def _fire(self) -> None:
        with self._lock:
            self.expired = True
            self._shutdown()

    def _shutdown(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


class _DeadlineSocket:
    """A socket whose every receive waits at most the time left before the deadline."""

    def __init__(self, sock, deadline: _Deadline):
        self._sock = sock
        self._deadline = deadline

    def _arm(self):
        self._sock.settimeout(self._deadline.left())

    def recv_into(self, *args):
        self._arm()
        return self._sock.recv_into(*args)

    def recv(self, *args):
        self._arm()
        return self._sock.recv(*args)

    def sendall(self, *args):
        self._arm()
        return self._sock.sendall(*args)

    def makefile(self, mode="rb", *args, **kwargs):
        # http.client reads the status line, headers and body through this file (it asks for
        # "rb"); its reads come through recv_into above, so each one is bounded. Like
        # socket.makefile, count the file as a user of the socket: http.client closes the
        # connection after the headers of a "Connection: close" answer, and the socket must
        # stay open until the file is closed too.
        self._sock._io_refs += 1
        return io.BufferedReader(socket.SocketIO(self, "rb"))

    def __getattr__(self, name):
        return getattr(self._sock, name)


class _PinnedConnection(http.client.HTTPSConnection):
    """Connects to a checked address; TLS (if any) is verified against the host name."""

    def __init__(self, host, port, *, address, deadline: _Deadline, tls: bool):
        context = ssl.create_default_context() if tls else None
        super().__init__(host, port, context=context)
        self._address = address
        self._deadline = deadline
        self._tls = tls

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self._deadline.left())
        self._deadline.watch(sock)
        if self._tls:
            sock.settimeout(self._deadline.left())
            sock = self._context.wrap_socket(sock, server_hostname=self.host)
            self._deadline.watch(sock)
        self.sock = _DeadlineSocket(sock, self._deadline)


def _check_url(url: str, *, allow_http: bool) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # e.g. a port above 65535
        raise FetchError("Het adres heeft een ongeldig poortnummer.", code="invalid_url") from exc
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise FetchError("Het adres is geen geldige https-URL.", code="invalid_url")
    if parts.scheme == "http" and not allow_http:
        raise FetchError("Het adres moet met https:// beginnen.", code="not_https")
    if parts.username or parts.password:
        raise FetchError(
            "Het adres mag geen gebruikersnaam of wachtwoord bevatten.", code="invalid_url"
        )
    port = port or (443 if parts.scheme == "https" else 80)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return parts.scheme, parts.hostname, port, target


def fetch(
    url: str,
    *,
    deadline: float,
    max_bytes: int,
    method: str = "GET",
    headers: dict | None = None,
    body: bytes | None = None,
    allowed_networks: Iterable = (),
    allow_http: bool = False,
) -> FetchResponse:
    """Do one HTTP exchange under the rules in the module docstring; raise FetchError."""
    scheme, host, port, target = _check_url(url, allow_http=allow_http)
    clock = _Deadline(deadline)
    conn = None
    try:
        address = resolve_checked_address(
            host, port, allowed_networks=allowed_networks, seconds=clock.left()
        )
        conn = _PinnedConnection(host, port, address=address, deadline=clock, tls=scheme == "https")
        conn.request(method, target, body=body, headers={"User-Agent": "KT", **(headers or {})})
        response = conn.getresponse()
        if 300 <= response.status < 400:
            raise FetchError(
                "Het adres stuurt door naar een ander adres; geef het uiteindelijke adres op.",
                code="redirect",
            )
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise FetchError(
                f"Het antwoord is te groot (hoogstens {max_bytes} bytes).", code="too_large"
            )
        chunks, size = [], 0
        while True:
            clock.left()
            chunk = response.read1(8192)  # returns after one receive: the deadline holds
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(
                    f"Het antwoord is te groot (hoogstens {max_bytes} bytes).", code="too_large"
                )
        if clock.expired:  # the watchdog ended the body early
            raise TimeoutError
        return FetchResponse(
            status=response.status,
            headers={name.lower(): value for name, value in response.getheaders()},
            body=b"".join(chunks),
        )
    except FetchError:
        raise
    except ssl.SSLCertVerificationError as exc:
        raise FetchError(
            "De TLS-verbinding is niet veilig (certificaat ongeldig).", code="tls"
        ) from exc
    except TimeoutError as exc:
        raise FetchError("Het ophalen duurde te lang.", code="timeout") from exc
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if clock.expired:
            raise FetchError("Het ophalen duurde te lang.", code="timeout") from exc
        if isinstance(exc, ssl.SSLError):
            raise FetchError(
                "De TLS-verbinding is niet veilig (certificaat ongeldig).", code="tls"
            ) from exc
        raise FetchError("Het adres is niet bereikbaar.", code="unreachable") from exc
    finally:
        clock.cancel()
        if conn is not None:
            conn.close()


def call_with_deadline(func: Callable, *, seconds: float, on_timeout: Callable[[], Exception]):
    """Run `func()` in a helper thread and wait at most `seconds` for it.

    For the outbound calls that still go through `requests` (FHIR, token endpoint): their
    per-read timeouts do not bound a server that trickles its answer, this does. At the
    deadline we raise `on_timeout()` and leave the helper thread to finish on its own (its
    socket timeouts end it); the worker is free again.
    """
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = func()
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True, name="safe-fetch-call")
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise on_timeout()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
