"""Real servers on loopback for the FHIR tests: sekmet-fhir (a FHIR R4 server) as a
subprocess, and a tiny programmable HTTP server for faults sekmet cannot produce."""

import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SekmetServer:
    """`sekmet serve -c settings.yaml` on a free loopback port with its own data dir.

    sekmet serves one FHIR base, <root>/fhir/ (not the per-domain /api/v1/<domein>/fhir/r4/
    shape of a Koppeltaal domain), so test domains point at `base_url`. stop() and start()
    again keep the data dir: an outage, not a fresh server.
    """

    def __init__(self, directory: Path, *, server_auth: dict | None = None):
        self.directory = directory
        self.port = free_port()
        self.root = f"http://127.0.0.1:{self.port}"
        self.base_url = f"{self.root}/fhir/"
        self.process: subprocess.Popen | None = None
        data_dir = directory / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        settings = {
            "host": "127.0.0.1",
            "port": self.port,
            "base_url": f"{self.root}/fhir",
            "data_dir": str(data_dir),
            "simulator": {"enabled": False},
            "own_private_key_path": str(directory / "sekmet_private.pem"),
            "log_inbound": False,
        }
        if server_auth:
            settings["server_auth"] = server_auth
        self.config = directory / "settings.yaml"
        # JSON is YAML.
        self.config.write_text(json.dumps(settings))
        self.log = directory / "sekmet.log"

    def start(self, timeout: float = 60.0) -> "SekmetServer":
        sekmet = Path(sys.executable).parent / "sekmet"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(sekmet), "serve", "-c", str(self.config)],
                cwd=self.directory,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sekmet exited: {self.log.read_text()[-2000:]}")
            try:
                if requests.get(f"{self.base_url}metadata", timeout=5).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"sekmet did not start in {timeout}s: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    # Direct access, "behind the portal's back".
    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(self.base_url + path, timeout=30, **kwargs)

    def put(self, resource: dict, **kwargs) -> requests.Response:
        return requests.put(
            f"{self.base_url}{resource['resourceType']}/{resource['id']}",
            json=resource,
            headers={"Content-Type": "application/fhir+json", **kwargs.pop("headers", {})},
            timeout=30,
            **kwargs,
        )

    def delete(self, path: str, **kwargs) -> requests.Response:
        return requests.delete(self.base_url + path, timeout=30, **kwargs)


class ScriptedServer:
    """A loopback HTTP server whose answers a test sets: `handler(request) -> (status,
    headers, body)`. Records every request (method, path, headers, body)."""

    def __init__(self, handler):
        self.handler = handler
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                record = {
                    "method": self.command,
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": body.decode("utf-8", "replace"),
                }
                outer.requests.append(record)
                status, headers, payload = outer.handler(record)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_DELETE = _serve

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class SilentServer:
    """Accepts TCP connections and never answers: a FHIR server that hangs."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.root = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.base_url = f"{self.root}/fhir/"

    def close(self):
        self.sock.close()


RESOURCE_ORIGIN_URL = "http://koppeltaal.nl/fhir/StructureDefinition/resource-origin"
# The Device the front names as the writer of what it creates (the portal's own Device on a
# Koppeltaal server; the reference server takes it from the token's azp).
FRONT_REQUESTER = "Device/kt-beheer-portaal"
_FORWARDED = ("Content-Type", "Accept", "If-Match", "If-None-Exist", "Authorization", "Prefer")


def _outcome(status: int, code: str, text: str):
    return (
        status,
        {"Content-Type": "application/fhir+json"},
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": text}],
        },
    )


def _origins(resource) -> list:
    return [
        e
        for e in (resource or {}).get("extension", [])
        if isinstance(e, dict) and e.get("url") == RESOURCE_ORIGIN_URL
    ]


class FhirFront:
    """A small HTTP front before a real sekmet server (a test fixture): forwards every request
    and records it, and collects every Device the portal had stored (2xx on its writes).

    `strict=True` applies the Koppeltaal reference FHIR server's rules for Device writes
    (EnforceIfMatchHeaderInterceptor, InjectResourceOriginInterceptor; docs/fhir.md):
    - PUT to an id that does not exist (or was deleted) -> 404: a PUT is never a create;
    - PUT whose body changes or drops the stored resource-origin extension -> 400;
    - PUT without If-Match -> 412 "If-Match header is required on updates"; a stale one -> 412
      (sekmet's own version check);
    - POST that sets resource-origin -> 400; otherwise the server assigns the id and adds
      resource-origin (`FRONT_REQUESTER`). If-None-Exist is honoured (sekmet).
    `strict=False` forwards as is: sekmet's own behaviour.

    `get`/`put`/`delete`/`search` act directly on sekmet, "behind the portal's back";
    `before_forward(record)` (optional) runs before a portal request is forwarded and
    `lose_answer(record) -> bool` can drop the answer after forwarding (the write happened, the
    portal gets a 502). stop()/start() stop and restart both, on the same ports and data.
    """

    def __init__(self, inner: SekmetServer, *, strict: bool):
        self.inner = inner
        self.strict = strict
        self.requests: list[dict] = []
        self.stored_devices: list[dict] = []
        self.before_forward = None
        self.lose_answer = None
        self.port = free_port()
        self.root = f"http://127.0.0.1:{self.port}"
        self.base_url = f"{self.root}/fhir/"
        self.httpd = None

    # --- lifecycle ---------------------------------------------------------------------
    def start(self) -> "FhirFront":
        if self.inner.process is None:
            self.inner.start()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                record = {
                    "method": self.command,
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": body.decode("utf-8", "replace"),
                }
                outer.requests.append(record)
                status, headers, payload = outer.handle(record)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_DELETE = _serve

            def log_message(self, *args):
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None
        self.inner.stop()

    # --- direct access, behind the portal's back ----------------------------------------
    def get(self, path: str, **kwargs) -> requests.Response:
        return self.inner.get(path, **kwargs)

    def put(self, resource: dict, **kwargs) -> requests.Response:
        return self.inner.put(resource, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.inner.delete(path, **kwargs)

    def devices(self, **params) -> list[dict]:
        """Every Device on the server (search matches), e.g. devices(identifier=...)."""
        query = {"_count": "1000", **params}
        bundle = requests.get(f"{self.inner.base_url}Device", params=query, timeout=5).json()
        return [e["resource"] for e in bundle.get("entry", []) if e["search"]["mode"] == "match"]

    def portal_writes(self, method: str) -> list[dict]:
        return [r for r in self.requests if r["method"] == method and "/Device" in r["path"]]

    # --- the front ----------------------------------------------------------------------
    def _forward(self, record, body: bytes | None = None):
        headers = {k: v for k, v in record["headers"].items() if k in _FORWARDED}
        try:
            response = requests.request(
                record["method"],
                self.inner.root + record["path"],
                data=body if body is not None else record["body"].encode("utf-8"),
                headers=headers,
                timeout=10,
            )
        except requests.RequestException:
            return 502, {}, b"sekmet behind the front is not reachable"
        kept = {
            k: v
            for k, v in response.headers.items()
            if k in ("Content-Type", "ETag", "Location", "Last-Modified")
        }
        return response.status_code, kept, response.content

    def handle(self, record):
        if self.before_forward:
            self.before_forward(record)
        if self.strict:
            refused = self._refuse(record)
            if refused:
                return refused
        body = None
        if (
            self.strict
            and record["method"] == "POST"
            and record["path"].split("?")[0].endswith("/fhir/Device")
        ):
            resource = json.loads(record["body"])
            resource["extension"] = [
                *resource.get("extension", []),
                {"url": RESOURCE_ORIGIN_URL, "valueReference": {"reference": FRONT_REQUESTER}},
            ]
            body = json.dumps(resource).encode("utf-8")
        status, headers, content = self._forward(record, body)
        if record["method"] in ("PUT", "POST") and status in (200, 201) and content:
            stored = json.loads(content)
            if stored.get("resourceType") == "Device":
                self.stored_devices.append(stored)
        if self.lose_answer and self.lose_answer(record):
            return 502, {}, b"answer lost on the way back"
        return status, headers, content

    def _refuse(self, record):
        path = record["path"].split("?")[0]
        parts = path.split("/fhir/", 1)[-1].split("/")
        if parts[0] != "Device":
            return None
        if record["method"] == "POST" and len(parts) == 1:
            if _origins(json.loads(record["body"] or "{}")):
                return _outcome(
                    400,
                    "invalid",
                    f"Not allowed to set extension with system {RESOURCE_ORIGIN_URL}",
                )
            return None
        if record["method"] != "PUT" or len(parts) != 2:
            return None
        existing = requests.get(f"{self.inner.base_url}Device/{parts[1]}", timeout=5)
        if existing.status_code != 200:
            return _outcome(404, "not-found", f"Resource Device/{parts[1]} is not known")
        stored_origin = _origins(existing.json())
        sent_origin = _origins(json.loads(record["body"] or "{}"))
        if stored_origin and sent_origin != stored_origin:
            return _outcome(
                400,
                "invalid",
                "Expecting a single extension with system "
                f"{RESOURCE_ORIGIN_URL}, unchanged from the stored resource",
            )
        if not record["headers"].get("If-Match", "").strip():
            return _outcome(412, "conflict", "If-Match header is required on updates")
        return None
