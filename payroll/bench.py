"""Payroll benchmarks, run by `make bench` (never by CI): payslips computed per second."""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal
from typing import Any

from payroll.engine import (
    CADRE,
    NON_CADRE,
    Company,
    PayslipInput,
    gross_from_budget,
    payslip_compute,
)
from payroll.selectors import parameters_at

PERIOD = dt.date(2026, 1, 1)


def _inputs(count: int) -> list[PayslipInput]:
    rng = random.Random(5)
    company = Company(headcount=150, at_rate=Decimal("1.00"))
    return [
        PayslipInput(
            period=PERIOD,
            gross=Decimal(rng.randrange(50_000, 900_000)) / 100,
            status=CADRE if rng.random() < 0.2 else NON_CADRE,
            company=company,
        )
        for _ in range(count)
    ]


def _timed(label: str, count: int, work: Any, stdout: Any) -> float:
    started = time.perf_counter()
    work()
    elapsed = time.perf_counter() - started
    stdout.write(f"{label:45} {count:>6}  {elapsed:8.3f} s  ({elapsed / count * 1000:.3f} ms each)")
    return elapsed


def run(stdout: Any) -> None:
    started = time.perf_counter()
    params = parameters_at(PERIOD)
    stdout.write(f"{'parameters_at (one query)':45} {1:>6}  {time.perf_counter() - started:8.3f} s")
    for count in (150, 10_000):
        inputs = _inputs(count)
        _timed(
            "payslips computed (gross → net → cost)",
            count,
            lambda inputs=inputs: [payslip_compute(params, item) for item in inputs],
            stdout,
        )
    budgets = [Decimal(1000 + 50 * i) for i in range(150)]
    template = _inputs(1)[0]
    _timed(
        "budget → gross inversions (false position)",
        len(budgets),
        lambda: [gross_from_budget(params, budget=b, template=template) for b in budgets],
        stdout,
    )
    run_pdf(stdout)


def _payslip_html(slip: Any) -> str:
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    data = slip.as_json()
    groups: list[tuple[str, list[dict[str, str]]]] = []
    for line in data["lines"]:
        if not groups or groups[-1][0] != line["group_label"]:
            groups.append((line["group_label"], []))
        groups[-1][1].append(line)
    payslip = SimpleNamespace(
        period=PERIOD, version=1, status=slip.status, run=SimpleNamespace(paid_at=None)
    )
    return render_to_string(
        "payroll/pdf/payslip.html",
        {
            "payslip": payslip,
            "data": data,
            "groups": groups,
            "cooperative": SimpleNamespace(
                name="Coopérative de démonstration",
                address_line="1 rue de la Paix",
                postal_code="66000",
                city="Perpignan",
                siren="842135709",
            ),
            "entrepreneur": SimpleNamespace(first_name="Camille", last_name="Martin"),
        },
    )


def _render(html: str) -> int:
    from perspectives.core.pdf import render_pdf

    return len(render_pdf(html))


def run_pdf(stdout: Any) -> None:
    import logging
    import multiprocessing

    logging.getLogger("weasyprint").setLevel(logging.WARNING)

    params = parameters_at(PERIOD)
    htmls = [_payslip_html(payslip_compute(params, item)) for item in _inputs(150)]
    _render(htmls[0])  # fonts and CSS caches warm, as in a long-lived worker
    count = 20
    elapsed = _timed(
        "payslip PDFs, 1 worker (WeasyPrint)",
        count,
        lambda: [_render(h) for h in htmls[:count]],
        stdout,
    )
    stdout.write(f"{'  → PDFs per second per worker':45} {count / elapsed:8.1f}")
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        pool.map(_render, htmls[:2])
        _timed("payslip PDFs, 2 worker processes", 150, lambda: pool.map(_render, htmls), stdout)
