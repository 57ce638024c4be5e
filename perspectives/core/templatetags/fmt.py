"""The formatting filters of every template (a builtin library: no `{% load %}` needed).

{{ amount|euros }}            17 522,00 €        {{ amount|euros:0 }}   17 522 €
{{ value|number }}            1 234              {{ value|number:1 }}   1 234,5
{{ rate|percent }}            12,5 %
{{ date|day }}                6 déc. 2026                 |day_time          6 déc. 2026, 10:30
{{ date|day_numeric }}        06/12/2026                  |day_numeric_time  06/12/2026 10:30
{{ date|day_full }}           6 décembre 2026             |day_full_time     (…, 10:30)
{{ date|day_long }}           dimanche 6 décembre 2026    |day_long_time     (…, 10:30)
{{ date|weekday }}            dimanche                    |clock             10:30
{{ date|month }}              décembre 2026      {{ date|month_short }} déc. 26
{{ user|person }}             Prénom Nom (a user, an entrepreneur, anything with first/last name)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from perspectives.core import formats

register = template.Library()


@register.filter
def euros(value: Any, places: Any = 2) -> str:
    return formats.money(value, int(places))


@register.filter
def number(value: Any, places: Any = 0) -> str:
    return formats.number(value, int(places))


@register.filter
def figure(value: Any) -> str:
    return formats.figure(value)


@register.filter
def percent(value: Any, places: Any = 1) -> str:
    return formats.percent(value, int(places))


@register.filter
def day(value: dt.date | dt.datetime | None) -> str:
    return formats.day(value)


@register.filter
def day_time(value: dt.datetime | None) -> str:
    return formats.day_time(value)


@register.filter
def day_numeric(value: dt.date | dt.datetime | None) -> str:
    return formats.day_numeric(value)


@register.filter
def day_numeric_time(value: dt.datetime | None) -> str:
    return formats.day_numeric_time(value)


@register.filter
def day_full(value: dt.date | dt.datetime | None) -> str:
    return formats.day_full(value)


@register.filter
def day_full_time(value: dt.datetime | None) -> str:
    return formats.day_full_time(value)


@register.filter
def day_long(value: dt.date | dt.datetime | None) -> str:
    return formats.day_long(value)


@register.filter
def day_long_time(value: dt.datetime | None) -> str:
    return formats.day_long_time(value)


@register.filter
def weekday(value: dt.date | dt.datetime | None) -> str:
    return formats.weekday(value)


@register.filter
def clock(value: dt.datetime | dt.time | None) -> str:
    return formats.clock(value)


@register.filter
def month(value: dt.date | None) -> str:
    return formats.month(value)


@register.filter
def month_short(value: dt.date | None) -> str:
    return formats.month_short(value)


@register.filter
def person(value: Any) -> str:
    if value is None:
        return ""
    first = getattr(value, "first_name", None)
    last = getattr(value, "last_name", None)
    if first is None and last is None:
        return str(value)
    return formats.person(first, last) or str(value)
