"""Bench-only middleware: count the SQL queries of each request into an `X-KT-Queries` header.

Installed only by bench/settings.py (outermost), never by the product's settings. It wraps the
default database connection with `connection.execute_wrapper`, so it counts every statement
the request runs, including the session and user look-ups of the middleware below it, at
almost no cost.
"""

from django.db import connection

HEADER = "X-KT-Queries"


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response[HEADER] = str(count)
        return response
