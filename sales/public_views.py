"""The customer's page behind a quote's signed link: no login, the link is the key."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from sales.models import Document
from sales.services import acceptance


@never_cache
def quote_public(request: HttpRequest, token: str) -> HttpResponse:
    try:
        cooperative_id, quote_id = acceptance.quote_from_token(token)
    except ApplicationError:
        raise Http404 from None
    if request.method == "POST":
        try:
            acceptance.quote_public_answer(
                token=token,
                accepted=request.POST.get("answer") == "accept",
                name=request.POST.get("name", ""),
                ip_address=request.META.get("REMOTE_ADDR"),
                user_agent=request.headers.get("User-Agent", ""),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("sales_quote_public", token)
    with cooperative_context(cooperative_id):
        quote = (
            Document.objects.select_related("customer", "activity__cooperative")
            .prefetch_related("lines")
            .filter(pk=quote_id, kind=Document.Kind.QUOTE)
            .exclude(status=Document.Status.DRAFT)
            .first()
        )
        if quote is None:
            raise Http404
        answer = getattr(quote, "acceptance", None)
        return render(
            request,
            "sales/quote_public.html",
            {"quote": quote, "lines": list(quote.lines.all()), "answer": answer},
        )
