"""Templates of recurring entries by hand (rent split between activities, insurance): a line
holds a fixed amount or a share of a total; the entry made from a template is a draft posted
through the entry service, so the ledger's rules apply to it as to any entry typed by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounting.models import Entry, Journal
from bank.models import EntryTemplate, EntryTemplateLine
from bank.services.entries import manual_entry_save
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.core.formats import percent
from perspectives.tenancy.context import require_cooperative_id

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def _check_lines(lines: Sequence[dict[str, Any]]) -> None:
    if not lines:
        raise ApplicationError(_("Saisissez au moins une ligne."))
    shares: dict[str, Decimal] = {}
    for line in lines:
        amount, share = line.get("amount"), line.get("share")
        if (amount is None) == (share is None):
            raise ApplicationError(
                _("Chaque ligne porte soit un montant, soit une part du total, pas les deux.")
            )
        if (amount is not None and amount <= 0) or (
            share is not None and not Decimal(0) < share <= HUNDRED
        ):
            raise ApplicationError(
                _("Un montant est positif ; une part est comprise entre 0 et 100 %.")
            )
        if share is not None:
            shares[line["side"]] = shares.get(line["side"], Decimal(0)) + share
    for side, total in shares.items():
        if total != HUNDRED:
            raise ApplicationError(
                _("Les parts au %(side)s font %(total)s au lieu de 100 %%.")
                % {
                    "side": _("débit") if side == "debit" else _("crédit"),
                    "total": percent(total, 2),
                }
            )


def _lines_write(template: EntryTemplate, lines: Sequence[dict[str, Any]]) -> None:
    EntryTemplateLine.objects.bulk_create(
        EntryTemplateLine(
            cooperative_id=template.cooperative_id,
            template=template,
            line_no=number,
            account=line["account"],
            activity=line.get("activity"),
            third_party=line.get("third_party") or "",
            side=line["side"],
            amount=line.get("amount"),
            share=line.get("share"),
            label=line.get("label") or "",
        )
        for number, line in enumerate(lines, start=1)
    )


def _journal(journal: Journal | str) -> Journal:
    if isinstance(journal, Journal):
        return journal
    found = Journal.objects.filter(code=journal).first()
    if found is None:
        raise ApplicationError(_("Journal inconnu : %(code)s.") % {"code": journal})
    return found


def _name_taken() -> ApplicationError:
    return ApplicationError(_("Un modèle d'écriture porte déjà ce nom."))


@transaction.atomic
def entry_template_create(
    *, name: str, journal: Journal | str, label: str, lines: Sequence[dict[str, Any]]
) -> EntryTemplate:
    _check_lines(lines)
    try:
        with transaction.atomic():
            template = EntryTemplate.objects.create(
                cooperative_id=require_cooperative_id(),
                name=name.strip(),
                journal=_journal(journal),
                label=label,
            )
    except IntegrityError as error:
        raise _name_taken() from error
    _lines_write(template, lines)
    return template


@transaction.atomic
def entry_template_update(
    *,
    template: EntryTemplate,
    name: str,
    journal: Journal | str,
    label: str,
    lines: Sequence[dict[str, Any]],
) -> EntryTemplate:
    """Replace the header and every line of the template."""
    _check_lines(lines)
    template = EntryTemplate.objects.select_for_update().get(pk=template.pk)
    template.name, template.journal, template.label = name.strip(), _journal(journal), label
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError as error:
        raise _name_taken() from error
    template.lines.all().delete()
    _lines_write(template, lines)
    return template


@transaction.atomic
def entry_template_delete(*, template: EntryTemplate) -> None:
    template.delete()


def entry_template_lines(
    *, template: EntryTemplate, total: Decimal | None = None
) -> list[dict[str, Any]]:
    """The entry's lines: fixed amounts as they are, shares of `total` rounded to the cent, the
    cents left by rounding going to the last share line of each side (so shares of the same
    total on both sides give the same amounts, and an activity stays balanced)."""
    lines = list(template.lines.select_related("activity").order_by("line_no"))
    if any(line.share is not None for line in lines):
        if total is None or total <= 0:
            raise ApplicationError(_("Ce modèle répartit un total : saisissez-le (positif)."))
        total = total.quantize(CENT)
    last_share = {line.side: line.line_no for line in lines if line.share is not None}
    given: dict[str, Decimal] = {}
    result = []
    for line in lines:
        if line.share is None:
            amount = line.amount or Decimal(0)
        elif line.line_no == last_share[line.side]:
            amount = (total or Decimal(0)) - given.get(line.side, Decimal(0))
        else:
            amount = ((total or Decimal(0)) * line.share / HUNDRED).quantize(
                CENT, rounding=ROUND_HALF_UP
            )
            given[line.side] = given.get(line.side, Decimal(0)) + amount
        debit = amount if line.side == EntryTemplateLine.Side.DEBIT else Decimal("0.00")
        result.append(
            {
                "account": line.account,
                "activity": line.activity,
                "third_party": line.third_party or None,
                "debit": debit,
                "credit": amount - debit,
                "label": line.label or template.label,
            }
        )
    return result


@transaction.atomic
def entry_template_apply(
    *,
    template: EntryTemplate,
    date: dt.date,
    total: Decimal | None = None,
    label: str = "",
    piece_ref: str = "",
    user: User | None = None,
) -> Entry:
    """A draft entry from the template, through the entry service (validated later as any)."""
    return manual_entry_save(
        journal=template.journal,
        date=date,
        label=label or template.label,
        piece_ref=piece_ref,
        lines=entry_template_lines(template=template, total=total),
        user=user,
    )
