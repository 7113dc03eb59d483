"""bench/run.py's report: per page the p95 at both sizes, their ratio, the ratio to the floor,
the SQL statements, and a previous run's column when one is given."""

import json

from bench import run

TIMES = "\u00d7"  # the report's multiplication sign


def _result(p95, queries=5, statuses=None):
    return {
        "p95_ms": p95,
        "p50_ms": p95 / 2,
        "n": 100,
        "queries_min": queries,
        "queries_max": queries,
        "statuses": statuses or {"200": 100},
    }


def _data(label, pages):
    rows = []
    for key, full, small, floor_ratio in pages:
        rows.append(
            {
                "key": key,
                "label": key,
                "user": None,
                "path": "/" + key,
                "full": full,
                "small": small,
                "size_ratio": full["p95_ms"] / small["p95_ms"],
                "floor_ratio": floor_ratio,
            }
        )
    size = {"counts": {"Domeinen": 300}, "big_domein": "d", "big_domein_instances": 9, "seed": "x"}
    return {
        "label": label,
        "code": label + " abc123",
        "date": "2026-12-07 03:00 UTC",
        "machine": {"CPU": "test"},
        "load_before": [0.1, 0.1, 0.1],
        "load_after": [0.2, 0.2, 0.2],
        "settings": {
            "scale": 1.0,
            "small_factor": 0.01,
            "clients": 3,
            "workers": None,
            "max_requests": 600,
            "max_seconds": 8.0,
            "rounds": 3,
            "warmup": 3,
            "server_warmup": 10,
        },
        "sizes": {"full": size, "small": size},
        "floor_ms": {"full": 2.0, "small": 2.0},
        "pages": rows,
    }


def _row(report, key):
    return next(line for line in report.splitlines() if line.startswith(f"| {key} `{key}`"))


def test_a_page_within_every_target():
    data = _data("new", [("dom-inst", _result(12.0), _result(10.0), 6.0)])
    report = run.render_report(data, None, [], [])
    cells = [c.strip() for c in _row(report, "dom-inst").split("|")[1:-1]]
    assert cells[1:] == ["5", "12.0", "10.0", "1.20", "6.0" + TIMES, "ja"]
    assert "Targets missed: none." in report


def test_a_page_that_grows_with_the_data_misses_its_target():
    data = _data("new", [("dom-inst", _result(30.0), _result(10.0), 6.0)])
    report = run.render_report(data, None, [], [])
    assert _row(report, "dom-inst").endswith("| 3.00 | 6.0" + TIMES + " | **NEE** |")
    assert "Targets missed: `dom-inst`." in report


def test_too_many_queries_or_an_error_status_miss_the_target():
    data = _data(
        "new",
        [
            ("a", _result(2.0, queries=13), _result(2.0, queries=13), 1.0),
            ("b", _result(2.0, statuses={"200": 90, "500": 10}), _result(2.0), 1.0),
        ],
    )
    report = run.render_report(data, None, [], [])
    assert "13 **> 12**" in _row(report, "a")
    assert "(status 500)" in _row(report, "b")
    assert "Targets missed: `a`, `b`." in report


def test_the_previous_run_is_shown_beside_and_compared():
    previous = _data("main", [("dom-inst", _result(10.0), _result(10.0), 5.0)])
    data = _data(
        "new",
        [
            ("dom-inst", _result(25.0), _result(20.0), 6.0),
            ("only-new", _result(3.0), _result(3.0), 1.0),
        ],
    )
    report = run.render_report(data, previous, [], [])
    assert "p95 full ms, main" in report
    assert "compared with `main abc123` (main)" in report
    cells = [c.strip() for c in _row(report, "dom-inst").split("|")[1:-1]]
    assert cells[6:] == ["10.0", "2.50", "**NEE**"]  # more than twice the previous p95
    cells = [c.strip() for c in _row(report, "only-new").split("|")[1:-1]]
    assert cells[6:] == ["—", "—", "ja"]


def test_statements_that_differ_by_size_show_both():
    data = _data("new", [("a", _result(2.0, queries=13), _result(2.0, queries=9), 1.0)])
    assert "| 13 (small: 9) **> 12** |" in _row(run.render_report(data, None, [], []), "a")


def test_the_floor_rows_have_no_ratio_targets():
    data = _data("new", [("floor", _result(2.0, queries=1), _result(2.0, queries=1), 1.0)])
    report = run.render_report(data, None, [], [])
    assert _row(report, "floor").endswith("| ja |")  # only the statement count and the status


def test_the_report_can_be_written_again_from_the_json(tmp_path):
    data = _data("new", [("dom-inst", _result(12.0), _result(10.0), 6.0)])
    data["explains"], data["scenarios"] = [], [{"name": "Outbox", "result": "1000 mails."}]
    previous = _data("main", [("dom-inst", _result(10.0), _result(10.0), 5.0)])
    (tmp_path / "new.json").write_text(json.dumps(data))
    (tmp_path / "old.json").write_text(json.dumps(previous))
    out = tmp_path / "benchmarks.md"
    argv = ["--report-only", str(tmp_path / "new.json"), "--compare", str(tmp_path / "old.json")]
    assert run.main([*argv, "--out", str(out)]) == 0
    assert out.read_text() == run.render_report(data, previous, [], data["scenarios"])
    assert "- Outbox: 1000 mails." in out.read_text()


def test_the_small_database_is_a_sibling_of_the_bench_database():
    url = "postgres://postgres@127.0.0.1:5432/ktb_bench_new"
    assert run.small_url(url) == "postgres://postgres@127.0.0.1:5432/ktb_bench_new_small"
    assert run.small_url(url + "?sslmode=disable").endswith("/ktb_bench_new_small?sslmode=disable")


def test_small_is_a_quick_run_of_the_same_pages():
    args = run.parse_args(["--small"])
    assert args.scale == 0.01
    assert args.max_requests <= 150 and args.rounds <= 2
    assert run.parse_args([]).scale == 1.0
