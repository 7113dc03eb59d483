import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The "wachtwoord vergeten" throttle counts in the cache; every test starts at zero.
    cache.clear()
    yield
    cache.clear()
