"""The report archive (/rapporter/): reports as documents of record. Periods and the schedule,
the services that request, compile and fail a report (with the Celery task beside each), the
snapshot and its PDF rendering, and the archive's views."""
