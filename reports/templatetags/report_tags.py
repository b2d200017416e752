"""Filters for templates that render a report's snapshot, where dates are stored as ISO text."""

import datetime as dt

from django import template

register = template.Library()


@register.filter
def isodate(value: str | None) -> dt.date | None:
    """`"2026-11-24"` → a date, for the `date` filter; empty stays empty."""
    return dt.date.fromisoformat(value) if value else None


@register.filter
def isodatetime(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None
