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
        "budget → gross inversions (bisection)",
        len(budgets),
        lambda: [gross_from_budget(params, budget=b, template=template) for b in budgets],
        stdout,
    )
