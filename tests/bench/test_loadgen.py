"""bench/loadgen.py, the load driver of `make bench`, against a small local HTTP server: rounds,
the unmeasured warm-up, and cookies sent back as a browser does."""

import http.server
import itertools
import threading

import pytest

from bench import loadgen


@pytest.fixture
def server():
    seen: list[tuple[str, str | None]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            cookie = self.headers.get("Cookie")
            seen.append((self.path, cookie))
            self.send_response(200)
            if "csrftoken=" not in (cookie or ""):
                self.send_header("Set-Cookie", "csrftoken=geheim123; Path=/; SameSite=Lax")
            self.send_header(loadgen.QUERIES_HEADER, "2")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()
    httpd.server_close()


def _config(base, **extra):
    return {
        "base": base,
        "clients": 2,
        "max_requests": 12,
        "max_seconds": 5,
        "warmup": 2,
        "pages": [
            {"key": "a", "path": "/a", "cookies": {"sessionid": "s1"}},
            {"key": "b", "path": "/b"},
        ],
        **extra,
    }


def test_pages_are_measured_in_rounds_over_all_their_requests(server):
    base, seen = server
    results = loadgen.run_rounds(_config(base, rounds=3))
    assert [r["key"] for r in results] == ["a", "b"]
    for r in results:
        assert r["n"] == 12  # 4 per round
        assert r["rounds"] == 3 and len(r["round_p95_ms"]) == 3
        assert r["statuses"] == {"200": 12}
        assert r["queries_min"] == r["queries_max"] == 2
    # The rounds take turns: a, b, a, b, a, b (warm-up requests included).
    order = [path for path, _ in seen]
    turns = [order[0]] + [p for prev, p in itertools.pairwise(order) if p != prev]
    assert turns == ["/a", "/b"] * 3


def test_the_cookie_the_server_sets_is_sent_back_with_the_session(server):
    base, seen = server
    loadgen.run_rounds(_config(base, rounds=1))
    measured_a = [cookie for path, cookie in seen if path == "/a"][2 * 2 :]  # after warm-up
    assert measured_a and all(c == "sessionid=s1; csrftoken=geheim123" for c in measured_a)


def test_the_server_warm_up_is_not_measured(server):
    base, seen = server
    results = loadgen.run_rounds(_config(base, rounds=1, server_warmup=5))
    assert [r["n"] for r in results] == [12, 12]
    assert len(seen) == 2 * (5 + 2 * 2 + 12)  # warm-up pass, per-client warm-up, measured


def test_only_loopback_targets(tmp_path):
    config = tmp_path / "c.json"
    config.write_text('{"base": "http://example.org", "pages": []}')
    with pytest.raises(SystemExit, match="non-loopback"):
        loadgen.main(str(config))


def test_requests_that_do_not_divide_over_the_rounds_stay_within_the_maximum(server):
    base, _seen = server
    results = loadgen.run_rounds(_config(base, rounds=5))  # 12 requests: 3, 3, 2, 2, 2
    assert [r["n"] for r in results] == [12, 12]


def test_a_page_may_name_its_own_server(server):
    base, seen = server
    config = _config("http://127.0.0.1:9", rounds=1)  # nothing listens there
    for page in config["pages"]:
        page["base"] = base
    results = loadgen.run_rounds(config)
    assert [r["n"] for r in results] == [12, 12]
    assert {path for path, _ in seen} == {"/a", "/b"}


def test_a_page_on_another_host_is_refused(tmp_path):
    config = tmp_path / "c.json"
    config.write_text(
        '{"pages": [{"key": "a", "path": "/", "base": "http://127.0.0.1:1"},'
        ' {"key": "b", "path": "/", "base": "http://example.org"}]}'
    )
    with pytest.raises(SystemExit, match="non-loopback"):
        loadgen.main(str(config))
