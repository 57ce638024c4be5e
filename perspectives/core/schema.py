"""OpenAPI generation: component names that stay unique across the whole API, and descriptions
that belong to the operation.

Views declare their serializers inside the view (`AppointmentCreateApi.InputSerializer`), so
several classes share a bare name: each component is named after its full path instead
(`AppointmentCreateInput`); a serializer declared at module level keeps its own name. A view's
description is its own docstring (or its method's), never one inherited from a base class."""

from __future__ import annotations

import inspect
from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


class AutoSchema(SpectacularAutoSchema):
    def get_serializer_name(self, serializer: Any, direction: str) -> str:
        parts = type(serializer).__qualname__.split(".")
        return "".join(part.removesuffix("Serializer").removesuffix("Api") for part in parts)

    def get_description(self) -> str:  # type: ignore[override]
        method = getattr(self.view, self.method.lower(), None)
        doc = getattr(method, "__doc__", None) or type(self.view).__dict__.get("__doc__")
        return inspect.cleandoc(doc) if doc else ""
