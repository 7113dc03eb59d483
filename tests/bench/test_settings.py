"""The product carries no bench hooks; bench.settings adds them on top of the product's
settings, and is refused on prd2."""

import ast
import fnmatch
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

ROOT = Path(__file__).resolve().parents[2]
# Every app of this repository that the product's settings install (its top-level package
# is a folder beside manage.py): a production `pip install .` must ship each one.
PRODUCT = tuple(
    sorted(
        {
            app.split(".")[0]
            for app in settings.INSTALLED_APPS
            if (ROOT / app.split(".")[0] / "__init__.py").exists()
        }
    )
)


def test_the_product_settings_have_no_bench_hooks():
    assert settings.ROOT_URLCONF == "beheer.urls"
    assert not [m for m in settings.MIDDLEWARE if "querycount" in m.lower()]
    assert not [a for a in settings.INSTALLED_APPS if a.split(".")[0] == "bench"]
    assert not hasattr(settings, "KT_BENCH")


def test_the_product_urls_have_no_floor_view():
    with pytest.raises(Resolver404):
        resolve("/bench/floor/", urlconf="beheer.urls")
    with pytest.raises(NoReverseMatch):
        reverse("bench_floor", urlconf="beheer.urls")


def test_no_product_module_imports_bench():
    offenders = []
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module or ""]
                offenders += [f"{path}: {n}" for n in names if n.split(".")[0] == "bench"]
    assert offenders == []


def test_the_installed_package_does_not_ship_the_bench():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    assert not [pattern for pattern in include if fnmatch.fnmatch("bench", pattern)]
    assert all(any(fnmatch.fnmatch(p, pattern) for pattern in include) for p in PRODUCT)


def _bench_settings(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "bench.settings", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_bench_settings_extend_the_product_settings():
    code = (
        "from django.conf import settings; "
        "print(settings.MIDDLEWARE[0], settings.ROOT_URLCONF, "
        "'bench.apps.BenchConfig' in settings.INSTALLED_APPS, "
        "settings.MIDDLEWARE[1:] == __import__('beheer.settings').settings.MIDDLEWARE)"
    )
    result = _bench_settings(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "bench.querycount.QueryCountMiddleware",
        "bench.urls",
        "True",
        "True",
    ]


def test_bench_settings_are_refused_on_prd2():
    result = _bench_settings("print('started')", KT_OMGEVING="prd2")
    assert result.returncode != 0
    assert "prd2" in result.stderr
    assert "started" not in result.stdout
