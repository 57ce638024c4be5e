"""Pages of the API's lists: `?limit=` (1 to MAX_LIMIT, DEFAULT_LIMIT when absent) and `?offset=`.

Out-of-range or non-numeric values are refused with a 400 that says what is accepted, instead of
being silently replaced (DRF's default) or reaching the database (a 500 past bigint)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.views import APIView

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_OFFSET = 1_000_000_000


def _bounded_int(request: Request, name: str, *, low: int, high: int, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    text = raw.strip()
    # isdigit() alone accepts other scripts' digits; a length cap keeps int() cheap.
    if not (text.isascii() and text.isdigit() and len(text) <= 12) or not (
        low <= int(text) <= high
    ):
        raise ValidationError(
            {
                name: [
                    _("« %(name)s » doit être un nombre entier entre %(low)s et %(high)s.")
                    % {"name": name, "low": low, "high": high}
                ]
            }
        )
    return int(text)


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT
    limit_query_description = (
        f"Number of results per page, from 1 to {MAX_LIMIT} ({DEFAULT_LIMIT} when absent); "
        "any other value is refused with a 400."
    )
    offset_query_description = (
        f"Index of the first result, from 0 to {MAX_OFFSET:,}; "
        "any other value is refused with a 400."
    )

    def get_limit(self, request: Request) -> int:
        return _bounded_int(request, "limit", low=1, high=MAX_LIMIT, default=DEFAULT_LIMIT)

    def get_offset(self, request: Request) -> int:
        return _bounded_int(request, "offset", low=0, high=MAX_OFFSET, default=0)

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        limit, offset = super().get_schema_operation_parameters(view)
        limit["schema"] = {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_LIMIT,
            "default": DEFAULT_LIMIT,
        }
        offset["schema"] = {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0}
        return [limit, offset]
