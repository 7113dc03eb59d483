"""A real JWKS server for tests: a threaded http.server on 127.0.0.1 (port chosen by the OS).

Each path answers with what the test configured: status, body, headers, an optional delay.
"""

import base64
import contextlib
import json
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

P256_X = 0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296
P256_Y = 0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5
P384_X = int(
    "AA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A38"
    "5502F25DBF55296C3A545E3872760AB7",
    16,
)
P384_Y = int(
    "3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C0"
    "0A60B1CE1D7E819D7A431D7C90EA0E5F",
    16,
)


def b64url(number: int, length: int | None = None) -> str:
    length = length or (number.bit_length() + 7) // 8
    return base64.urlsafe_b64encode(number.to_bytes(length, "big")).rstrip(b"=").decode()


def rsa_key(kid="rsa-1", bits=2048, **extra) -> dict:
    # The check looks at the modulus size, not at primality: any odd number of `bits` bits.
    n = (1 << (bits - 1)) | (0x5DEECE66D << 64) | 1
    key = {"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": b64url(n), "e": "AQAB"}
    return key | extra


def ec_key(kid="ec-1", crv="P-256", **extra) -> dict:
    if crv == "P-384":
        x, y, size, alg = P384_X, P384_Y, 48, "ES384"
    else:
        x, y, size, alg = P256_X, P256_Y, 32, "ES256"
    return {
        "kty": "EC",
        "kid": kid,
        "crv": crv,
        "alg": alg,
        "x": b64url(x, size),
        "y": b64url(y, size),
    } | extra


def jwk_set(*keys) -> dict:
    return {"keys": list(keys) or [rsa_key(), ec_key()]}


class JwksServer:
    def __init__(self, *, tls: tuple[str, str] | None = None):
        """`tls`: (certificate file, key file) to serve https instead of http."""
        self.routes: dict[str, tuple[int, bytes, dict, float, float]] = {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                status, body, headers, delay, trickle = server.routes.get(
                    self.path, (404, b"niet gevonden", {}, 0, 0)
                )
                if delay:
                    time.sleep(delay)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    if not trickle:
                        self.wfile.write(body)
                    for i in range(len(body) if trickle else 0):  # one byte at a time
                        self.wfile.write(body[i : i + 1])
                        self.wfile.flush()
                        time.sleep(trickle)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.scheme = "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            self.scheme = "https"
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def url(self, path="/jwks.json", host="127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def serve(
        self,
        path="/jwks.json",
        document=None,
        *,
        status=200,
        body=None,
        headers=None,
        delay=0.0,
        trickle=0.0,
    ) -> str:
        """Answer `path`; `delay` waits before answering, `trickle` sends the body one byte
        per `trickle` seconds."""
        if body is None:
            body = json.dumps(document if document is not None else jwk_set()).encode()
        headers = headers or {"Content-Type": "application/json"}
        self.routes[path] = (status, body, headers, delay, trickle)
        return self.url(path)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def make_certificate(directory, name: str, *, sans: str) -> tuple[str, str]:
    """A self-signed certificate (EC P-256) made with the openssl command line tool."""
    cert, key = f"{directory}/{name}.pem", f"{directory}/{name}-key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={name}",
            "-addext",
            f"subjectAltName={sans}",
            "-keyout",
            key,
            "-out",
            cert,
        ],
        check=True,
        capture_output=True,
    )
    return cert, key
