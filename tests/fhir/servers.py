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
