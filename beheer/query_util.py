"""Small helpers for the selectors' querysets."""

from django.db.models import BooleanField, Expression, F, QuerySet, Subquery


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


class InResultOf(Expression):
    """A condition: `column IN (subquery)`, which on PostgreSQL runs the subquery once, before
    the outer query (`column = ANY(ARRAY(subquery))`), and looks the column's values up in the
    outer table's index.

    For `IN (subquery)` PostgreSQL estimates how many rows the subquery yields and may plan
    around that guess. With LIMIT and ORDER BY on a joined column it may walk the joined
    table in that order and test the subquery row by row, hoping to find a page of matches
    early. For the instance search of a large domain the guess was wrong: the walk went
    through 1,866 of 2,000 applications (2.7 ms) before it found 25 matching instances. An
    ARRAY() subquery is an InitPlan whose result is known when the outer query runs.
    Other databases get the plain `IN (subquery)`.

    `queryset` selects one column (e.g. `.values("pk")`)."""

    conditional = True

    def __init__(self, column: str, queryset: QuerySet):
        super().__init__(output_field=BooleanField())
        self.column = F(column)
        if not queryset.query.is_sliced:  # as `__in` does: an order changes nothing here
            queryset = queryset.order_by()
        self.subquery = Subquery(queryset)

    def get_source_expressions(self):
        return [self.column, self.subquery]

    def set_source_expressions(self, exprs):
        self.column, self.subquery = exprs

    def _sides(self, compiler):
        lhs, lhs_params = compiler.compile(self.column)
        rhs, rhs_params = compiler.compile(self.subquery)  # "(SELECT ...)"
        return lhs, rhs, (*lhs_params, *rhs_params)

    def as_sql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler)
        return f"{lhs} IN {rhs}", params

    def as_postgresql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler)
        return f"{lhs} = ANY(ARRAY{rhs})", params
