"""Which plans PostgreSQL gives a page's statements: the page served in-process under each
`plan_cache_mode`, the median time of a request and of its statements. Not part of the test
suite or of `make bench`.

    python bench/plans.py dom-inst dom-inst-q ... [--requests 200]

With prepared statements (DB_PREPARED_STATEMENTS, the default) PostgreSQL may give a statement
that has run five times a generic plan, made for any parameter value from average row counts;
`auto` is what production runs. A page much slower under `force_generic_plan` than under
`force_custom_plan` depends on PostgreSQL keeping custom plans for it; a page slower under
`auto` than under `force_custom_plan` got a generic plan that does not fit its values (the
instance search of the largest domain did: docs/performance.md, section 28). Page keys as in
bench/run.py's PAGES (`key@role` for another user); run `make bench` once first (it seeds the
bench database).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODES = ("auto", "force_custom_plan", "force_generic_plan")


def _measure(keys: list[str], count: int) -> dict:
    """In the child process (PGOPTIONS set): per page, the median request and statement time."""
    sys.path.insert(0, str(ROOT / "bench"))
    from instructions import page_getter, warm_up

    spent = [0.0]  # seconds in statements during the current request

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - started

    results = {}
    for key in keys:
        get = page_getter(key)
        warm_up(key, get)  # also prepares the statements (5 runs each)
        from django.db import connection

        requests, statements = [], []
        with connection.execute_wrapper(timed):
            for _ in range(count):
                spent[0] = 0.0
                started = time.perf_counter()
                get()
                requests.append(time.perf_counter() - started)
                statements.append(spent[0])
        results[key] = (statistics.median(requests) * 1000, statistics.median(statements) * 1000)
    return results


def main() -> int:
    if len(sys.argv) >= 3 and sys.argv[1] == "--measure":
        count, keys = int(sys.argv[2]), sys.argv[3:]
        print(json.dumps(_measure(keys, count)))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("keys", nargs="+")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    by_mode = {}
    for mode in MODES:
        run = subprocess.run(
            [sys.executable, __file__, "--measure", str(args.requests), *args.keys],
            cwd=ROOT,
            env={**os.environ, "PGOPTIONS": f"-c plan_cache_mode={mode}"},
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode:
            raise SystemExit(f"{mode}: failed\n{run.stderr[-3000:]}")
        by_mode[mode] = json.loads(run.stdout.strip().splitlines()[-1])
    print("median ms per request (of it in statements):")
    print(f"{'page':24}" + "".join(f"{mode:>24}" for mode in MODES))
    for key in args.keys:
        cells = "".join(
            f"{by_mode[mode][key][0]:>14.2f} ({by_mode[mode][key][1]:5.2f})" for mode in MODES
        )
        print(f"{key:24}{cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
