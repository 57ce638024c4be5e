"""Online answer to a quote through a signed link ("bon pour accord"): the link names the
cooperative and the quote, signed with the site's secret and valid until the quote expires.
The answer keeps the signer's name, the time, the IP address and the SHA-256 of the quote's
PDF (rendered now if the worker has not yet)."""

from __future__ import annotations

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from sales.models import Document, QuoteAcceptance
from sales.services.quotes import quote_answer
from sales.services.rendering import document_pdf_render

SALT = "sales.quote-acceptance"


def quote_link_token(*, quote: Document) -> str:
    if quote.kind != Document.Kind.QUOTE or quote.status == Document.Status.DRAFT:
        raise ApplicationError(_("Seul un devis envoyé a un lien d'acceptation."))
    return signing.dumps({"c": quote.cooperative_id, "q": quote.pk}, salt=SALT, compress=True)


def quote_link_path(*, quote: Document) -> str:
    return reverse("sales_quote_public", args=[quote_link_token(quote=quote)])


def quote_from_token(token: str) -> tuple[int, int]:
    """(cooperative id, quote id), or ApplicationError for a forged or altered link."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise ApplicationError(_("Ce lien n'est pas valide.")) from None
    return int(data["c"]), int(data["q"])


def quote_public_answer(
    *, token: str, accepted: bool, name: str, ip_address: str | None, user_agent: str = ""
) -> QuoteAcceptance:
    cooperative_id, quote_id = quote_from_token(token)
    if not name.strip():
        raise ApplicationError(_("Indiquez votre nom."))
    with cooperative_context(cooperative_id), transaction.atomic():
        quote = Document.objects.filter(pk=quote_id, kind=Document.Kind.QUOTE).first()
        if quote is None:
            raise ApplicationError(_("Ce lien n'est pas valide."))
        quote = quote_answer(quote=quote, accepted=accepted)
        pdf = document_pdf_render(document_id=quote.pk)
        acceptance: QuoteAcceptance = QuoteAcceptance.objects.create(
            cooperative_id=cooperative_id,
            quote=quote,
            accepted=accepted,
            name=name.strip()[:150],
            answered_at=timezone.now(),
            ip_address=ip_address or None,
            user_agent=user_agent[:300],
            pdf_sha256=pdf.sha256,
        )
        return acceptance
