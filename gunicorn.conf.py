"""gunicorn settings for KT Beheer, production and `make bench` alike.

gunicorn reads this file by itself when started in the repository root
(`gunicorn beheer.wsgi`); elsewhere pass `--config /path/to/gunicorn.conf.py`. Every value can be
changed through the environment:

    GUNICORN_BIND       address to listen on (default 127.0.0.1:8000, behind the reverse proxy)
    WEB_CONCURRENCY     worker processes (default 2 x cores + 1)
    GUNICORN_THREADS    threads per worker (default 1)
    GUNICORN_KEEPALIVE  seconds an idle keep-alive connection stays open (default 10)
    GUNICORN_TIMEOUT    seconds before a silent worker is killed and replaced (default 30)
    GUNICORN_ACCESSLOG  file for the access log, "-" = stdout (default), "" = no access log

Why processes and not threads (docs/performance.md, section 6): a page is mostly Python, which
holds the GIL. With several threads per process, a thread whose database answer has arrived
waits for the GIL behind threads that are rendering templates; on 2 cores, 5 workers x 1 thread
cut the p95 of the portal pages by 25-55 % compared with 2 workers x 4 threads. The gthread worker
class is kept (also with one thread) because it keeps idle keep-alive connections in its poller
without occupying the thread.
"""

import multiprocessing
import os
import re

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 1)
keepalive = _int("GUNICORN_KEEPALIVE", 10)
# A request may wait on a JWKS check (KT_JWKS_TIMEOUT, 5 s) and a FHIR push (KT_FHIR_TIMEOUT,
# 10 s); 30 s leaves room for both before the arbiter replaces a stuck worker.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)

# Access log: method, path WITHOUT query string (%(U)s; tokens and search terms stay out of the
# logs), status, size and duration in ms. No cookies, no Authorization, no referrer, no user agent.
# A password link's path carries its one-time token (valid 24 h; mail scanners open it first);
# it never reaches the log. Keep in step with beheer/accounts/urls.py (password_set), which
# tests/beheer/test_gunicorn_conf.py checks through the URLconf.
_SECRET_PATH = re.compile(r"^(/wachtwoord-instellen/)(?!klaar/$)[^?]*")


class AccessLogger(Logger):
    """gunicorn's logger, with secrets masked and control characters escaped in the path
    (%0A in a URL must not start a forged log line)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = _SECRET_PATH.sub(r"\1[verborgen]/", atoms.get("U") or "")
        atoms["U"] = path.encode("unicode_escape").decode("ascii")
        return atoms


logger_class = AccessLogger
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
