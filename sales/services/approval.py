"""Validation by support staff: an activity that is not trusted with self-validation, or a
document above the activity's cap (excluding VAT), goes to the support staff's list instead of
being validated (invoice) or sent (quote) by its entrepreneur.

`document_submit` is what an entrepreneur's "Valider" / "Envoyer" does; support staff and
managers validate at once. Waiting, the document is `pending`: unnumbered, its lines frozen by
the database; it is validated (`document_approve`) or sent back to its author as a draft with a
reason (`document_return`).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entrepreneurs.models import Activity
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.models import Membership
from sales.models import Document, DocumentLine, ValidationRule
from sales.permissions import approves_sales
from sales.services.documents import _locked_draft, invoice_validate, missing_mentions
from sales.services.quotes import quote_send

MAX_CAP = Decimal("999999999999.99")


def validation_rule_get(*, activity: Activity) -> ValidationRule | None:
    return ValidationRule.objects.filter(activity=activity).first()


@transaction.atomic
def validation_rule_set(
    *,
    activity: Activity,
    self_validation: bool,
    amount_cap: Decimal | str | None = None,
    user: User | None = None,
) -> ValidationRule:
    """Whether `activity` validates its own documents, and up to which amount excluding VAT
    (None or "": no cap)."""
    cap: Decimal | None = None
    if amount_cap not in (None, ""):
        try:
            cap = Decimal(str(amount_cap).replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            raise ApplicationError(_("Plafond illisible : un montant en euros.")) from None
        if not cap.is_finite() or cap < 0 or cap > MAX_CAP:
            raise ApplicationError(_("Le plafond est un montant positif en euros."))
        cap = cap.quantize(Decimal("0.01"))
    rule, _created = ValidationRule.objects.update_or_create(
        cooperative_id=require_cooperative_id(),
        activity=activity,
        defaults={
            "self_validation": bool(self_validation),
            "amount_cap": cap,
            "updated_at": timezone.now(),
            "updated_by": user,
        },
    )
    return rule


def approval_reason(*, document: Document, membership: Membership) -> str | None:
    """Why this member's document goes to support staff, or None when they may go ahead."""
    if approves_sales(membership):
        return None
    rule = validation_rule_get(activity=document.activity)
    if rule is None:
        return None
    if not rule.self_validation:
        return _("L'activité ne valide pas elle-même ses documents.")
    if rule.amount_cap is not None and document.total_without_vat > rule.amount_cap:
        return _(
            "Le montant (%(amount)s € HT) dépasse le plafond d'autovalidation (%(cap)s €)."
        ) % {
            "amount": document.total_without_vat,
            "cap": rule.amount_cap,
        }
    return None


@transaction.atomic
def document_submit(*, document: Document, membership: Membership, user: User | None) -> Document:
    """The author's "validate" (invoice, credit note) or "send" (quote): done at once when the
    activity may, otherwise handed to support staff (`pending`). An invoice missing a mandatory
    mention is refused either way, before anyone has to look at it."""
    locked = _locked_draft(document)
    reason = approval_reason(document=locked, membership=membership)
    if reason is None:
        if locked.kind == Document.Kind.QUOTE:
            return quote_send(quote=locked)
        return invoice_validate(document=locked, user=user)
    if locked.is_invoice_like:
        missing = missing_mentions(locked)
        if missing:
            raise ApplicationError(
                _("Facture incomplète, rien n'a été soumis : %(list)s")
                % {"list": " ".join(missing)}
            )
    elif not locked.lines.filter(kind=DocumentLine.Kind.ITEM).exists():
        raise ApplicationError(_("Le devis n'a aucune ligne."))
    Document.objects.filter(pk=locked.pk).update(
        status=Document.Status.PENDING,
        submitted_at=timezone.now(),
        submitted_by=user,
        review_note="",
    )
    locked.refresh_from_db()
    return locked


def _locked_pending(document: Document, membership: Membership) -> Document:
    if not approves_sales(membership):
        raise ApplicationError(_("Seuls l'équipe d'appui et la direction valident ces documents."))
    locked: Document = Document.objects.select_for_update(of=("self",)).get(pk=document.pk)
    if locked.status != Document.Status.PENDING:
        raise ApplicationError(_("Ce document n'attend pas de validation."))
    return locked


@transaction.atomic
def document_approve(*, document: Document, membership: Membership, user: User | None) -> Document:
    """Support staff validate a waiting invoice (numbered and posted) or send a waiting quote."""
    locked = _locked_pending(document, membership)
    if locked.kind == Document.Kind.QUOTE:
        return quote_send(quote=locked)
    return invoice_validate(document=locked, user=user)


@transaction.atomic
def document_return(*, document: Document, membership: Membership, note: str) -> Document:
    """Support staff send a waiting document back to its author as a draft, saying why."""
    locked = _locked_pending(document, membership)
    note = note.strip()
    if not note:
        raise ApplicationError(_("Indiquez le motif du renvoi à l'entrepreneur."))
    Document.objects.filter(pk=locked.pk).update(
        status=Document.Status.DRAFT, review_note=note[:300], submitted_at=None
    )
    locked.refresh_from_db()
    return locked
