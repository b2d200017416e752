"""The benchmark's URLs: the portal's, plus the floor (`/floor/`), the cheapest authenticated
full page: the base layout with an empty main, through the same middleware and log-in."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.shortcuts import render
from django.urls import include, path

QUERY_HEADER = "X-Benchmark-Queries"


@login_required
def floor(request):
    return render(request, "base.html")


def count_queries(get_response):
    """Middleware: with the request header X-Benchmark-Queries, answer how many SQL queries the
    request made in the same response header. Without it, nothing is wrapped (no cost)."""

    def middleware(request):
        if QUERY_HEADER not in request.headers:
            return get_response(request)
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = get_response(request)
        response[QUERY_HEADER] = str(count)
        return response

    return middleware


urlpatterns = [
    path("floor/", floor, name="benchmark_floor"),
    path("", include("omstilling.urls")),
]
