"""Shared helper of the `bench.py` modules (`make bench`): server time of a page, in process."""

from __future__ import annotations

import statistics
import time

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext


def time_get(client: Client, url: str, runs: int) -> tuple[float, float, int]:
    """GET `url` `runs` times: (median ms, p95 ms, SQL queries of the last run)."""
    timings, queries = [], 0
    for _run in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        queries = len(captured)
    timings.sort()
    return statistics.median(timings), timings[max(0, round(len(timings) * 0.95) - 1)], queries
