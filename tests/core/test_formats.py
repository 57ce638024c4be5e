"""The one way the platform writes money, numbers, dates, months and names, in both languages
(the `fmt` filters built into every template, and perspectives.core.formats for Python)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

NB = "\u00a0"
REPO = Path(__file__).resolve().parents[2]

TEMPLATE = (
    "{{ a|euros }}|{{ a|euros:0 }}|{{ neg|euros }}|{{ zero|euros }}|{{ a|number:1 }}|"
    "{{ rate|percent }}|{{ d|day }}|{{ t|day_time }}|{{ d|month }}|{{ june|month_short }}|"
    "{{ july|month_short }}|{{ someone|person }}|{{ missing|euros }}|"
    "{{ d|day_numeric }}|{{ t|day_numeric_time }}|{{ d|day_full }}|{{ t|day_full_time }}|"
    "{{ d|day_long }}|{{ t|day_long_time }}|{{ t|weekday }}|{{ t|clock }}|{{ d|day_time }}|"
    "{{ missing|day_numeric }}|{{ missing|day_long_time }}|{{ missing|clock }}"
)
CONTEXT = {
    "a": Decimal("17522"),
    "neg": Decimal("-1234.567"),
    "zero": Decimal("-0.001"),
    "rate": Decimal("12.5"),
    "d": dt.date(2026, 12, 6),
    "t": dt.datetime(2026, 12, 6, 9, 30, tzinfo=dt.UTC),
    "june": dt.date(2026, 6, 1),
    "july": dt.date(2026, 7, 1),
    "someone": SimpleNamespace(first_name="Léa", last_name="Martin"),
    "missing": None,
}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            [
                f"17{NB}522,00{NB}€",
                f"17{NB}522{NB}€",
                f"-1{NB}234,57{NB}€",
                f"0,00{NB}€",
                f"17{NB}522,0",
                f"12,5{NB}%",
                f"6{NB}déc. 2026",
                f"6{NB}déc. 2026, 10:30",
                "décembre 2026",
                f"juin{NB}26",
                f"juil.{NB}26",
                "Léa Martin",
                "",
                "06/12/2026",
                "06/12/2026 10:30",
                f"6{NB}décembre 2026",
                f"6{NB}décembre 2026, 10:30",
                f"dimanche 6{NB}décembre 2026",
                f"dimanche 6{NB}décembre 2026, 10:30",
                "dimanche",
                "10:30",
                f"6{NB}déc. 2026",
                "",
                "",
                "",
            ],
        ),
        (
            "en",
            [
                "€17,522.00",
                "€17,522",
                "-€1,234.57",
                "€0.00",
                "17,522.0",
                "12.5%",
                f"6{NB}Dec 2026",
                f"6{NB}Dec 2026, 10:30",
                "December 2026",
                f"Jun{NB}26",
                f"Jul{NB}26",
                "Léa Martin",
                "",
                "06/12/2026",
                "06/12/2026 10:30",
                f"6{NB}December 2026",
                f"6{NB}December 2026, 10:30",
                f"Sunday 6{NB}December 2026",
                f"Sunday 6{NB}December 2026, 10:30",
                "Sunday",
                "10:30",
                f"6{NB}Dec 2026",
                "",
                "",
                "",
            ],
        ),
    ],
)
def test_the_filters_write_figures_one_way_per_language(language: str, expected: list[str]) -> None:
    with translation.override(language):
        rendered = Template(TEMPLATE).render(Context(CONTEXT))
    assert rendered.split("|") == expected


def test_a_moment_is_written_in_the_cooperatives_time_zone() -> None:
    from perspectives.core import formats

    late = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)  # already 2027 in Paris
    assert formats.day_numeric_time(late) == "01/01/2027 00:30"
    assert formats.day_long(late, language="fr") == f"vendredi 1{NB}janvier 2027"
    assert formats.clock(dt.time(8, 5)) == "08:05"
    assert formats.day_numeric("2026-12-06") == ""  # not a date: nothing, as Django's |date
    assert formats.clock(dt.date(2026, 12, 6)) == ""


def test_every_french_month_abbreviation_is_unambiguous() -> None:
    from perspectives.core.formats import month_short

    with translation.override("fr"):
        names = [month_short(dt.date(2026, m, 1)).split(NB)[0] for m in range(1, 13)]
    assert names == [
        "janv.", "févr.", "mars", "avr.", "mai", "juin",
        "juil.", "août", "sept.", "oct.", "nov.", "déc.",
    ]  # fmt: skip
    assert len(set(names)) == 12


def test_page_titles_name_perspectives_once(client, world) -> None:
    client.force_login(world.alice)
    page = client.get("/c/coop-a/").content.decode()
    title = page.split("<title>")[1].split("</title>")[0]
    assert title.count("Perspectives") == 1


@pytest.mark.parametrize(("language", "expected"), [("fr", "Montant (€)"), ("en", "Amount (€)")])
def test_an_amount_column_heading_carries_the_euro(language: str, expected: str) -> None:
    from django.utils.translation import gettext

    from perspectives.core.formats import money_header

    with translation.override(language):
        assert money_header(gettext("Montant")) == expected


# Formats read by programs, never by people: form fields, links, `datetime=` attributes, and the
# FEC's file name (its form is set by article A.47 A-1 of the Livre des procédures fiscales).
MACHINE_DATE_FORMATS = {"Y-m-d", "Y-m", "c", "Ymd"}
DATE_FILTER = re.compile(r"\|\s*(date|time)\b(?:\s*:\s*(?:\"([^\"]*)\"|'([^']*)'|(\S+)))?")


def _human_date_filters(text: str) -> list[str]:
    found = []
    for match in DATE_FILTER.finditer(text):
        name, double, single, variable = match.groups()
        written = double if double is not None else single
        if name == "date" and written in MACHINE_DATE_FORMATS:
            continue
        found.append(match.group(0) if variable is None else f"|{name}:{variable}")
    return found


def test_the_guard_tells_machine_formats_from_human_ones() -> None:
    assert _human_date_filters("""{{ d|date:'Y-m-d' }}{{ d|date:"Ymd" }}{{ t|date:'c' }}""") == []
    assert _human_date_filters("""{{ d|date:"d/m/Y" }} {{ t|time:"H:i" }} {{ d|date }}""") == [
        '|date:"d/m/Y"',
        '|time:"H:i"',
        "|date",
    ]
    assert _human_date_filters("{{ d|day_numeric }} {{ d|dates_list }} {{ d|date:FORMAT }}") == [
        "|date:FORMAT"
    ]


def test_no_template_writes_a_date_for_people_with_djangos_date_filter() -> None:
    """Dates shown to people go through the `fmt` filters (day, day_numeric, day_full, …), so
    that they read the same on every page, PDF and e-mail, in both languages."""
    found = {
        f"{path.relative_to(REPO)}: {usage}"
        for path in sorted((REPO / "templates").rglob("*"))
        if path.is_file() and path.suffix in {".html", ".txt", ".xml", ".ics", ".csv"}
        for usage in _human_date_filters(path.read_text(encoding="utf-8"))
    }
    assert found == set()
