"""Instructions per request of bench pages, in-process: a measure that does not move with the
machine's load (the wall-clock times of this shared 2-core machine moved by up to 2x between
runs a minute apart). Not part of the test suite or of `make bench`.

    python bench/instructions.py start-dom dom-inst ... [--requests 20]

For each page key of bench/run.py's PAGES (`key@role` for another user, e.g.
`floor@domeinbeheerder`: the floor view with a logged-in session) two runs under
`valgrind --tool=callgrind` on the bench database (run `make bench` once first): one that only
warms the page up (30 requests through Django's WSGI handler, as gunicorn calls it), one that
then serves it `--requests` more times. The difference divided by that number is the
instructions of one request in this Python process: middleware, view, ORM, rendering,
psycopg's side of the statements. PostgreSQL's own work is not included (another process).
With the hash seed fixed (PYTHONHASHSEED=0) repeatable within ~0.5 % for the same code and
data; about 2 minutes per page.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARMUP = 30


def page_getter(key: str):
    """Set up Django and the bench session for a page key of bench/run.py's PAGES (`key@role`
    for another user) and return a function that serves the page once through Django's WSGI
    handler, as gunicorn calls it (not the test client, which listens to every template
    render), and returns the status line. Also used by bench/plans.py."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import run as bench

    os.environ.update(bench.bench_env(os.environ.get("BENCH_DATABASE_URL", bench.DEFAULT_DB)))
    name, _, role = key.partition("@")
    page = {p.key: p for p in bench.PAGES}[name]  # an unknown key fails before any write
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory

    ctx = bench.build_context()
    fields = {k: v for k, v in vars(ctx).items() if isinstance(v, int | str)}
    if page.headers:
        fields.update(bench.make_credentials(ctx))
    role = role or page.user
    headers = {
        "HTTP_" + h.upper().replace("-", "_"): v.format(**fields) for h, v in page.headers.items()
    }
    if role:
        headers["HTTP_COOKIE"] = f"sessionid={bench.make_session(ctx.users[role])}"
    path, _, query = page.path.format(**fields).partition("?")
    factory = RequestFactory()
    handler = WSGIHandler()

    def get() -> str:
        environ = factory.get(path, QUERY_STRING=query, **headers).environ
        status = []
        response = handler(environ, lambda s, h, exc_info=None: status.append(s))
        b"".join(response)
        response.close()  # request_finished, as a WSGI server sends it
        return status[0]

    return get


def warm_up(key: str, get) -> None:
    """WARMUP requests (each must answer 200), then the heap frozen as gunicorn.conf.py does
    after the first requests."""
    import gc

    for _ in range(WARMUP):
        status = get()
        assert status.startswith("200"), (key, status)
    gc.collect()
    gc.freeze()


def _serve(key: str, count: int) -> None:
    """Inside valgrind: serve the page WARMUP + `count` times."""
    get = page_getter(key)
    warm_up(key, get)
    for _ in range(count):
        get()


def _instructions(key: str, count: int) -> int:
    run = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--serve",
            key,
            str(count),
        ],
        cwd=ROOT,
        # One hash seed for every run: with a random one, start-up differs by millions of
        # instructions between the two runs of a page.
        env={**os.environ, "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode or not found:
        raise SystemExit(f"{key}: valgrind run failed\n{run.stderr[-3000:]}")
    return int(found.group(1))


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        _serve(sys.argv[2], int(sys.argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("keys", nargs="+")
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    for key in args.keys:
        base = _instructions(key, 0)
        more = _instructions(key, args.requests)
        print(f"{key:24} {(more - base) / args.requests / 1e6:8.2f} M instructions/request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
