"""Local FHIR servers for `make run`: one sekmet-fhir store per Koppeltaal domain.

    python -m beheer.fhir.devserver --port 8090 --data-dir var/fhir

serves http://127.0.0.1:8090/api/v1/<domein>/fhir/r4/ for any domain name, like a Koppeltaal
environment does, each domain with its own store (var/fhir/<domein>/). sekmet itself serves a
single base at /fhir; this small ASGI dispatcher creates one sekmet app per domain on first use
and rewrites the path. Development only: needs the `fhirserver` (or `dev`) extra, binds to
loopback only and has no authentication (the demo domains use fhir_auth "geen").
"""

import argparse
import re
from pathlib import Path

DOMAIN_PATH = re.compile(
    r"^/api/v1/(?P<domein>[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)/fhir/r4(?P<rest>/.*)?$"
)


def build_app(*, root_url: str, data_dir: Path):
    from sekmet.config import Settings
    from sekmet.main import create_app

    apps = {}

    def app_for(domein: str):
        if domein not in apps:
            directory = data_dir / domein
            directory.mkdir(parents=True, exist_ok=True)
            settings = Settings(
                base_url=f"{root_url}/api/v1/{domein}/fhir/r4",
                data_dir=str(directory),
                simulator={"enabled": False},
                own_private_key_path=str(directory / "sekmet_private.pem"),
                facility_name=f"Koppeltaal-domein {domein} (lokaal)",
            )
            apps[domein] = create_app(settings)
        return apps[domein]

    async def not_found(send, message: bytes):
        await send(
            {
                "type": "http.response.start",
                "status": 404,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")],
            }
        )
        await send({"type": "http.response.body", "body": message})

    async def dispatcher(scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        match = DOMAIN_PATH.match(scope.get("path", ""))
        if scope["type"] != "http" or not match:
            if scope["type"] == "http":
                await not_found(send, b"Use /api/v1/<domein>/fhir/r4/\n")
            return
        path = "/fhir" + (match["rest"] or "")
        inner_scope = dict(scope, path=path, raw_path=path.encode("utf-8"), root_path="")
        await app_for(match["domein"])(inner_scope, receive, send)

    return dispatcher


def wait_until_up(url: str, timeout: float = 60.0) -> bool:
    import time

    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.1)
    return False


def main(argv=None):
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--data-dir", default="var/fhir")
    parser.add_argument(
        "--wait", action="store_true", help="only wait (up to 60 s) until the server answers"
    )
    args = parser.parse_args(argv)
    root_url = f"http://127.0.0.1:{args.port}"
    if args.wait:
        raise SystemExit(0 if wait_until_up(f"{root_url}/api/v1/lokaal/fhir/r4/metadata") else 1)
    app = build_app(root_url=root_url, data_dir=Path(args.data_dir).resolve())
    print(f"Lokale FHIR-servers: {root_url}/api/v1/<domein>/fhir/r4/", flush=True)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
