"""Load driver for `make bench`: a separate process that drives pages over loopback.

Usage: python bench/loadgen.py CONFIG.json  (prints a JSON list of results on stdout)

Why Python threads + requests and not wrk: no system package to install (CI and a fresh machine
have neither wrk nor a compiler for it), and we need per-request details wrk does not give
without Lua scripting: the X-KT-Queries header, the status of every response, a session cookie
per simulated user. The cost is client CPU on the same two cores: the floor row pays it too, so
the ratio to the floor stays fair, and the absolute numbers are an upper bound.

Each page is driven on its own, by `clients` threads with one keep-alive requests.Session each,
until `max_requests` responses or `max_seconds` have passed, whichever comes first, after a
warm-up that is not measured. A page may name its own server (`base`; bench/run.py serves two
data sizes at once), else the config's `base`. Only loopback targets are accepted.

In `rounds` rounds (default 1): every round drives every page in order, with a `rounds`th of
the requests and of the time, and a page's numbers are computed over its requests of all
rounds. A page's samples then come from `rounds` moments spread over the run instead of one
window of a second or two, as the floor's do: on a shared machine a page measured in one
window compared its one window with the floor's two, and a page's p95 moved by up to 1.6x
between runs a minute apart (docs/performance.md, section 33). The first round warms up with
`warmup` requests per client, later rounds with one (new connections). Before the first
round, `server_warmup` requests of every page (unmeasured) get the server's workers past
their start (what they load lazily): the floor, measured first, once met workers that were
still loading.
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
from urllib.parse import urlsplit

import requests

QUERIES_HEADER = "X-KT-Queries"


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    if len(sorted_values) == 1:
        return sorted_values[0]
    k = (len(sorted_values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def _session(page: dict) -> requests.Session:
    s = requests.Session()
    s.headers.update(page.get("headers") or {})
    cookies = page.get("cookies") or {}
    if cookies:  # an explicit header: the session belongs to this client, whatever the jar does
        s.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    return s


def _keep_cookies(s: requests.Session, response: requests.Response) -> None:
    """Cookies the server sets during a client's warm-up (the CSRF cookie of a page with a
    form) are sent from then on, as a browser sends them: without it every request was a first
    visit, for which Django makes a new CSRF secret. With an explicit Cookie header requests
    does not add its jar's cookies by itself."""
    if not response.cookies or "Cookie" not in s.headers:
        return
    cookies = dict(part.split("=", 1) for part in s.headers["Cookie"].split("; "))
    cookies.update(response.cookies.items())
    s.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())


def drive(
    base: str, page: dict, *, clients: int, max_requests: int, max_seconds: float, warmup: int
) -> dict:
    """One window of a page: the raw samples (see `summarize`)."""
    url = base + page["path"]
    sessions = [_session(page) for _ in range(clients)]
    for s in sessions:
        for _ in range(warmup):
            r = s.get(url, allow_redirects=False, timeout=30)
            _keep_cookies(s, r)
    lock = threading.Lock()
    issued = 0
    latencies: list[float] = []
    queries: list[int] = []
    statuses: dict[int, int] = {}
    sizes: list[int] = []
    deadline = time.perf_counter() + max_seconds

    def worker(s: requests.Session):
        nonlocal issued
        while True:
            with lock:
                if issued >= max_requests or time.perf_counter() >= deadline:
                    return
                issued += 1
            t0 = time.perf_counter()
            r = s.get(url, allow_redirects=False, timeout=30)
            _ = r.content
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                sizes.append(len(r.content))
                if QUERIES_HEADER in r.headers:
                    queries.append(int(r.headers[QUERIES_HEADER]))

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    for s in sessions:
        s.close()
    return {
        "latencies": latencies,
        "queries": queries,
        "statuses": statuses,
        "sizes": sizes,
        "seconds": wall,
    }


def summarize(page: dict, windows: list[dict]) -> dict:
    """A page's numbers over the samples of all its windows (rounds)."""
    lat = sorted(x * 1000 for w in windows for x in w["latencies"])
    queries = [q for w in windows for q in w["queries"]]
    sizes = [n for w in windows for n in w["sizes"]]
    statuses: dict[int, int] = {}
    for w in windows:
        for code, n in w["statuses"].items():
            statuses[code] = statuses.get(code, 0) + n
    wall = sum(w["seconds"] for w in windows)
    return {
        "key": page["key"],
        "path": page["path"],
        "n": len(lat),
        "rounds": len(windows),
        "seconds": round(wall, 3),
        "rps": round(len(lat) / wall, 1) if wall else 0.0,
        "p50_ms": round(percentile(lat, 50), 2),
        "p95_ms": round(percentile(lat, 95), 2),
        "p99_ms": round(percentile(lat, 99), 2),
        "max_ms": round(lat[-1], 2) if lat else None,
        # The p95 of each round on its own: how much one window can differ from another.
        "round_p95_ms": [
            round(percentile(sorted(x * 1000 for x in w["latencies"]), 95), 2) for w in windows
        ],
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "queries_min": min(queries) if queries else None,
        "queries_max": max(queries) if queries else None,
        "queries_median": statistics.median(queries) if queries else None,
        "bytes_median": int(statistics.median(sizes)) if sizes else 0,
    }


def _base(config: dict, page: dict) -> str:
    return page.get("base") or config["base"]


def run_rounds(config: dict) -> list[dict]:
    rounds = max(1, int(config.get("rounds", 1)))
    pages = config["pages"]
    windows: dict[str, list[dict]] = {page["key"]: [] for page in pages}
    if config.get("server_warmup"):
        # Not measured: every page a few times, so that each worker has loaded what it
        # loads lazily before the first page (the floor) is measured.
        print(f"server warm-up: {config['server_warmup']} requests per page", file=sys.stderr)
        for page in pages:
            drive(
                _base(config, page),
                page,
                clients=config["clients"],
                max_requests=config["server_warmup"],
                max_seconds=config["max_seconds"],
                warmup=0,
            )
    for number in range(rounds):
        print(f"round {number + 1}/{rounds}", file=sys.stderr)
        for page in pages:
            windows[page["key"]].append(
                drive(
                    _base(config, page),
                    page,
                    clients=config["clients"],
                    # max_requests split over the rounds (the first ones take the rest)
                    max_requests=config["max_requests"] // rounds
                    + (number < config["max_requests"] % rounds),
                    max_seconds=config["max_seconds"] / rounds,
                    warmup=config["warmup"] if number == 0 else 1,
                )
            )
            if number == rounds - 1:
                summary = summarize(page, windows[page["key"]])
                print(f"  {page['key']:<28} {summary['p95_ms']:>8} ms p95", file=sys.stderr)
    return [summarize(page, windows[page["key"]]) for page in pages]


def main(path: str) -> None:
    with open(path, encoding="utf-8") as fh:
        config = json.load(fh)
    bases = {_base(config, page) for page in config["pages"]} or {config.get("base", "")}
    for base in bases:
        host = urlsplit(base).hostname or ""
        if not (host == "localhost" or host.startswith("127.")):
            raise SystemExit(f"refusing a non-loopback target: {base}")
    json.dump(run_rounds(config), sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
