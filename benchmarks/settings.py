"""Settings for the page benchmark's server (`benchmarks/pages.py`): the portal's own, served
with the floor page beside it (`benchmarks.urls`) and a query counter the benchmark asks for.

Never used in production; gunicorn gets DJANGO_SETTINGS_MODULE=benchmarks.settings."""

from omstilling.settings import *  # noqa: F403
from omstilling.settings import MIDDLEWARE

ROOT_URLCONF = "benchmarks.urls"
# Outermost, so the session's and the user's queries are counted too.
MIDDLEWARE = ["benchmarks.urls.count_queries", *MIDDLEWARE]
