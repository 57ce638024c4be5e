"""Celery base class for tasks that work inside one cooperative."""

from __future__ import annotations

from typing import Any

from celery.contrib.django.task import DjangoTask

from perspectives.tenancy.context import cooperative_context


class TenantTask(DjangoTask):  # type: ignore[misc]
    """Every call takes `cooperative_id` (keyword) and runs inside that cooperative.

    The ORM scope and the row-level security setting are entered before the task body and always
    cleared afterwards, so no task inherits the previous task's cooperative. A call without
    `cooperative_id` raises before any work is done.
    """

    abstract = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        cooperative_id = kwargs.get("cooperative_id")
        if not isinstance(cooperative_id, int) or isinstance(cooperative_id, bool):
            raise TypeError(
                f"Task {self.name} must be called with an integer cooperative_id keyword argument."
            )
        with cooperative_context(cooperative_id):
            return super().__call__(*args, **kwargs)
