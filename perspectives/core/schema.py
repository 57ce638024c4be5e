"""OpenAPI generation: component names that stay unique across the whole API, and descriptions
that belong to the operation.

Views declare their serializers inside the view (`AppointmentCreateApi.InputSerializer`), so
several classes share a bare name: each component is named after its full path instead
(`AppointmentCreateInput`); a serializer declared at module level keeps its own name. A view's
description is its own docstring (or its method's), never one inherited from a base class. POSTs
of tenant endpoints document the Idempotency-Key header."""

from __future__ import annotations

import inspect
from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Any string of 1 to 255 printable ASCII characters chosen by the client (a UUID): "
    "the request is carried out once; sent again with the same key and the same body, it answers "
    "the first response again (header Idempotent-Replayed: true); with another body, a 422. "
    "Kept 7 days.",
)


class AutoSchema(SpectacularAutoSchema):
    def get_serializer_name(self, serializer: Any, direction: str) -> str:
        parts = type(serializer).__qualname__.split(".")
        return "".join(part.removesuffix("Serializer").removesuffix("Api") for part in parts)

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if self.method == "POST" and getattr(self.view, "idempotent_posts", False):
            parameters.append(IDEMPOTENCY_KEY)
        return parameters

    def get_description(self) -> str:  # type: ignore[override]
        method = getattr(self.view, self.method.lower(), None)
        doc = getattr(method, "__doc__", None) or type(self.view).__dict__.get("__doc__")
        return inspect.cleandoc(doc) if doc else ""
