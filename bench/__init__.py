"""The benchmark (`make bench`): its settings, URLs, query counter, large-data seeding and load
driver. Never imported by the product and not shipped by `pip install .` (pyproject's
packages.find lists only the product's packages)."""
