"""The invoice page's e-invoicing action: hand the document to the customer's platform."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.permissions import current_membership, role_required
from sales import selectors
from sales.permissions import SALES_ROLES
from sales.services.einvoicing import einvoice_submit_request


@require_POST
@role_required(*SALES_ROLES)
def document_einvoice(
    request: HttpRequest, cooperative_slug: str, sales_document_id: int
) -> HttpResponse:
    """Asked twice (a double click), the same job: no `@submitted_once` needed."""
    document = selectors.document_get_for_member(
        membership=current_membership(request), document_id=sales_document_id
    )
    try:
        einvoice_submit_request(document=document)
        messages.info(
            request, _("Transmission à la plateforme demandée : elle apparaît dans un instant.")
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("sales_document", cooperative_slug, document.pk)
