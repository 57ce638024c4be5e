"""Handing work to a Celery worker once: a cache key marks it pending until the worker is done."""

from __future__ import annotations

from typing import Any

from celery import Task
from django.core.cache import cache


def delay_once(key: str, value: Any, seconds: int, task: Task, **kwargs: Any) -> bool:
    """Queue `task` unless `key` is already set (the same work pending); the key holds `value`
    for at most `seconds`, and the task clears it. False: already pending. A task the broker
    does not take leaves no key behind, so that it can be asked again."""
    if not cache.add(key, value, seconds):
        return False
    try:
        task.delay(**kwargs)
    except BaseException:
        cache.delete(key)
        raise
    return True
