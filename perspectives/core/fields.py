"""API fields shared by the apps."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


@extend_schema_field(
    {"type": "string", "pattern": MONTH_PATTERN, "example": "2026-01", "description": "AAAA-MM"}
)
class MonthField(serializers.DateField):
    """A month, written and read as AAAA-MM (the first day of the month in Python)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%Y-%m")
        kwargs.setdefault("input_formats", ["%Y-%m"])
        kwargs.setdefault("error_messages", {"invalid": _("Mois invalide : attendu AAAA-MM.")})
        super().__init__(**kwargs)
