"""Browser tests: headless Chromium (the system package, /usr/bin/chromium) driven by
Playwright's sync API against pytest-django's live_server.

Playwright's sync API runs an event loop in the test thread; Django then refuses ORM calls from
that thread as "async unsafe". The test thread only sets up data and reads it back, never
concurrently with a request, so we allow it here, for the browser tests only and only while
each runs (the variable must not leak: `check --deploy` rejects it).
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("KT_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="module", autouse=True)
def _allow_orm_beside_playwright():
    old = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if old is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = old


@pytest.fixture(scope="module")
def browser(_serialized_contents, _allow_orm_beside_playwright):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: install it with "
            "`apt-get install -y chromium` (make test and .ci/run do this)."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in separate browser contexts (one per person), closed after the test."""
    contexts = []

    def make():
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1280, "height": 900},
            locale="nl-NL",
            java_script_enabled=False,  # the portal must work without JavaScript
        )
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name: str):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture(scope="session")
def _serialized_contents(django_db_setup, django_db_blocker):
    """Keep TransactionTestCase's serialized rollback working beside Playwright.

    Playwright's sync API switches greenlets, and asgiref's Local (Django's `connections`) then
    hands the tests a different connection object than the one the test database was created
    with: one without `_test_serialized_contents`. Without it the flush after each transactional
    test re-creates content types and the migration data (support group, default roles) is not
    restored. Taken here, before the browser starts, and set on the backend class, so that every
    connection object in this test process has it."""
    from django.db import connections

    for conn in connections.all():
        if hasattr(conn, "_test_serialized_contents"):
            type(conn)._test_serialized_contents = conn._test_serialized_contents
