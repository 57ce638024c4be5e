"""`{% einvoicing_panel document %}`: a document's life at the accredited platforms."""

from __future__ import annotations

from typing import Any

from django import template

from sales import selectors
from sales.models import Document

register = template.Library()


@register.inclusion_tag("sales/_einvoicing.html", takes_context=True)
def einvoicing_panel(context: dict[str, Any], document: Document) -> dict[str, Any]:
    if document.kind == Document.Kind.QUOTE or document.is_draft:
        return {"shown": False}
    return {
        "shown": True,
        "document": document,
        "state": selectors.einvoicing_state_get(document=document),
        "current_cooperative": context.get("current_cooperative"),
        "csrf_token": context.get("csrf_token"),
    }
