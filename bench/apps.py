from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Installed only by bench.settings, for the `seed_bench` command."""

    name = "bench"
    label = "bench"
