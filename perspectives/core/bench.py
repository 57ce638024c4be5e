"""Shared helper of the `bench.py` modules (`make bench`): server time of a page, in process."""

from __future__ import annotations

import gc
import statistics
import time

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext


def time_get(client: Client, url: str, runs: int) -> tuple[float, float, int]:
    """GET `url` `runs` times: (median ms, p95 ms, SQL queries of a request).

    One request first warms the process (templates compiled, URL and translation caches
    filled) as a running server is, whose long-lived objects are then frozen as the server
    freezes them; the timed requests run without recording their SQL (a
    server does not), then one more counts the queries."""
    _get(client, url)
    # Like the server once the application is loaded (perspectives/wsgi.py).
    gc.collect()
    gc.freeze()
    timings = []
    for _run in range(runs):
        start = time.perf_counter()
        _get(client, url)
        timings.append((time.perf_counter() - start) * 1000)
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    timings.sort()
    return (
        statistics.median(timings),
        timings[max(0, round(len(timings) * 0.95) - 1)],
        len(captured),
    )


def _get(client: Client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
