"""Small helpers for the selectors' querysets."""

from django.db.models import QuerySet


def own_columns_and(queryset: QuerySet, *related: str) -> QuerySet:
    """`queryset` with every column of its own model, joined (select_related) to the relations
    that `related` names ("applicatie__naam", "instantie__rol__naam"), and of those related
    rows only the named columns: a detail page that shows a related row's name does not load
    its contact data or a user's password hash."""
    bare = [path for path in related if "__" not in path]
    if bare:  # a bare relation would load its whole row; a bare column is already loaded
        raise ValueError(f"name a column of the related row (relation__column): {bare}")
    own = [field.attname for field in queryset.model._meta.concrete_fields]
    relations = sorted({path.rsplit("__", 1)[0] for path in related})
    return queryset.select_related(*relations).only(*own, *related)
