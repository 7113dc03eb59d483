"""Settings for `make bench`: the product's settings plus what only the bench needs.

    DJANGO_SETTINGS_MODULE=bench.settings

- `bench.querycount.QueryCountMiddleware`, outermost, so that every response says in an
  `X-KT-Queries` header how many SQL statements the request ran (every middleware included);
- `bench.urls`: the product's URLs plus the floor view `/bench/floor/`;
- the `bench` app, for `manage.py seed_bench` (the large-data seeding).

Refused on prd2, like the seeding itself.
"""

from django.core.exceptions import ImproperlyConfigured

from beheer.settings import *  # noqa: F403
from beheer.settings import INSTALLED_APPS, KT_OMGEVING, MIDDLEWARE

if KT_OMGEVING == "prd2":
    raise ImproperlyConfigured("bench.settings mag niet op de productieomgeving (prd2).")

INSTALLED_APPS = [*INSTALLED_APPS, "bench.apps.BenchConfig"]
MIDDLEWARE = ["bench.querycount.QueryCountMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "bench.urls"
