"""How the platform writes money, numbers, percentages, dates, months and people's names.

One rule for each, used by templates (the `fmt` filters, built into every template), PDFs,
CSV headers and charts, in the active language:

    money        French "17 522,00 €"   English "€17,522.00"   (non-breaking spaces)
    number       French "1 234,5"       English "1,234.5"
    percent      French "12,5 %"        English "12.5%"
    day          French "6 déc. 2026"   English "6 Dec 2026"           (pages: the usual date)
    day_numeric  French "06/12/2026"    English "06/12/2026"           (dense tables, documents)
    day_full     French "6 décembre 2026"            English "6 December 2026"  (letters, prose)
    day_long     French "dimanche 6 décembre 2026"   English "Sunday 6 December 2026"
    …_time       the same followed by ", 10:30" ("06/12/2026 10:30" for day_numeric_time)
    weekday      French "dimanche"      English "Sunday"
    clock        "10:30" in both languages (24-hour clock)
    month        French "juillet 2026"  English "July 2026"
    month_short  French "juil. 26"      English "Jul 26"
    person       "Prénom Nom" everywhere; lists are sorted by last name, never reordered.

CSV files (`perspectives.core.csvexport`) are read by spreadsheets: dates in ISO 8601
("2026-12-06", sortable, read by every spreadsheet whatever its language), amounts with a
decimal comma and no grouping (a number, not text), and the unit in the column heading:
`money_header(_("Montant"))` is "Montant (€)" ("Amount (€)" in English).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language

NBSP = "\u00a0"

MONTHS_SHORT = {
    "fr": (
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
WEEKDAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def _lang(language: str | None = None) -> str:
    code = (language or get_language() or "fr")[:2]
    return code if code in MONTHS else "fr"


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number(value: Any, places: int = 0, *, language: str | None = None) -> str:
    """Grouped by thousands with the language's separators; "" for a missing value."""
    amount = _decimal(value)
    if amount is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    amount = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    if amount == 0:
        amount = abs(amount)  # no "-0,00"
    text = f"{amount:,.{places}f}"
    if _lang(language) == "fr":
        return text.translate({ord(","): NBSP, ord("."): ","})
    return text


def figure(value: Any, *, language: str | None = None) -> str:
    """A number with the decimals it has ("6.90" → "6,90", "1744.78" → "1 744,78"): rates and
    amounts stored as text (a payslip's lines)."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    exponent = amount.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return number(amount, places, language=language)


def money(value: Any, places: int = 2, *, language: str | None = None) -> str:
    """An amount in euros: "17 522,00 €" in French, "€17,522.00" in English."""
    text = number(value, places, language=language)
    if not text:
        return ""
    if _lang(language) == "fr":
        return f"{text}{NBSP}€"
    if text.startswith("-"):
        return f"-€{text[1:]}"
    return f"€{text}"


def percent(value: Any, places: int = 1, *, language: str | None = None) -> str:
    text = number(value, places, language=language)
    if not text:
        return ""
    return f"{text}{NBSP}%" if _lang(language) == "fr" else f"{text}%"


def month(value: dt.date | None, *, language: str | None = None) -> str:
    if value is None:
        return ""
    return f"{MONTHS[_lang(language)][value.month - 1]} {value.year}"


def month_short(value: dt.date | None, *, language: str | None = None) -> str:
    """Unambiguous abbreviations ("juin"/"juil.") with a two-digit year, for chart axes."""
    if value is None:
        return ""
    return f"{MONTHS_SHORT[_lang(language)][value.month - 1]}{NBSP}{value.year % 100:02d}"


def _local(value: dt.datetime) -> dt.datetime:
    """An aware moment in the cooperative's time zone (as Django's `date` filter does)."""
    from django.utils import timezone

    return timezone.localtime(value) if timezone.is_aware(value) else value


def _date(value: dt.date | dt.datetime) -> dt.date:
    return _local(value).date() if isinstance(value, dt.datetime) else value


def day(value: object, *, language: str | None = None) -> str:
    """ "6 déc. 2026": the date of pages and lists."""
    if not isinstance(value, dt.date):  # None, "" or anything else: nothing, as Django's |date
        return ""
    value = _date(value)
    name = MONTHS_SHORT[_lang(language)][value.month - 1]
    return f"{value.day}{NBSP}{name} {value.year}"


def day_numeric(value: object, *, language: str | None = None) -> str:
    """ "06/12/2026" in both languages (day first, as the English interface of a French
    cooperative is read: an American order would make "06/12" mean 12 June to nobody here):
    dense tables, accounting documents, invoices."""
    if not isinstance(value, dt.date):  # None, "" or anything else: nothing, as Django's |date
        return ""
    return f"{_date(value):%d/%m/%Y}"


def day_full(value: object, *, language: str | None = None) -> str:
    """ "6 décembre 2026": letters, minutes, e-mails, sentences."""
    if not isinstance(value, dt.date):  # None, "" or anything else: nothing, as Django's |date
        return ""
    value = _date(value)
    return f"{value.day}{NBSP}{MONTHS[_lang(language)][value.month - 1]} {value.year}"


def weekday(value: object, *, language: str | None = None) -> str:
    """ "dimanche" ("Sunday"): lower case in French, as in a sentence; `|capfirst` for a title."""
    if not isinstance(value, dt.date):  # None, "" or anything else: nothing, as Django's |date
        return ""
    return WEEKDAYS[_lang(language)][_date(value).weekday()]


def day_long(value: object, *, language: str | None = None) -> str:
    """ "dimanche 6 décembre 2026": a meeting's date, where the day of the week matters."""
    if not isinstance(value, dt.date):  # None, "" or anything else: nothing, as Django's |date
        return ""
    return f"{weekday(value, language=language)} {day_full(value, language=language)}"


def clock(value: object, *, language: str | None = None) -> str:
    """ "10:30", a 24-hour clock in both languages, in the cooperative's time zone."""
    if not isinstance(value, dt.datetime | dt.time):
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value)
    return f"{value:%H:%M}"


def _with_clock(text: str, value: dt.datetime | dt.date, separator: str = ", ") -> str:
    if not text or not isinstance(value, dt.datetime):
        return text  # a date has no time of day: the date alone
    return f"{text}{separator}{clock(value)}"


def day_time(value: object, *, language: str | None = None) -> str:
    """ "14 janv. 2027, 10:00" in the cooperative's time zone."""
    if not isinstance(value, dt.date):  # None, "" or anything else: nothing, as Django's |date
        return ""
    return _with_clock(day(value, language=language), value)


def day_numeric_time(value: object, *, language: str | None = None) -> str:
    """ "06/12/2026 10:30"."""
    if not isinstance(value, dt.date):  # None, "" or anything else: nothing, as Django's |date
        return ""
    return _with_clock(day_numeric(value, language=language), value, " ")


def day_full_time(value: object, *, language: str | None = None) -> str:
    """ "6 décembre 2026, 10:30"."""
    if not isinstance(value, dt.date):  # None, "" or anything else: nothing, as Django's |date
        return ""
    return _with_clock(day_full(value, language=language), value)


def day_long_time(value: object, *, language: str | None = None) -> str:
    """ "dimanche 6 décembre 2026, 10:30"."""
    if not isinstance(value, dt.date):  # None, "" or anything else: nothing, as Django's |date
        return ""
    return _with_clock(day_long(value, language=language), value)


def money_header(label: object) -> str:
    """A CSV or table column heading for amounts in euros: "Montant (€)"."""
    return f"{label} (€)"


def person(first_name: str | None, last_name: str | None) -> str:
    """The one name order of the platform: first name, then last name."""
    return " ".join(part.strip() for part in (first_name or "", last_name or "") if part.strip())
