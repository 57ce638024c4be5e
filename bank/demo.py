"""Demo data of the bank app, called by `seed_demo` inside each demo cooperative.

The cooperative's main account (on 512) and this month's camt.053 statement, imported through
the import service: customers paying some of the demo's open invoices (their numbers in the
remittance information, so the suggestions find them), the SEPA batch the purchases demo sent
(pointed against its payments in one click), card fees and the monthly account fee. The
statement opens on the ledger's 512 balance at the end of last month, so the bank's balance and
the ledger's agree once the lines are reconciled. A rule sends card fees to 627. Two templates
of entries by hand (the rent split between activities and the structure, the insurance) and
this month's rent made from the first as a draft, its receipt (a small PDF) attached: all
through the services the accountant uses. Deterministic and idempotent (a second run adds
nothing).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone

from accounting.models import Entry, EntryLine
from bank import services
from bank.models import BankAccount, BankLine, EntryAttachment, EntryTemplate, ReconciliationRule
from bank.services.pointing import LedgerPayment, ledger_payments_unpointed
from entrepreneurs.models import Activity
from perspectives.tenancy.models import Cooperative

DEMO_IBANS = {
    "perspectives": ("FR7630006000011234567890189", "Crédit Agricole Sud Méditerranée"),
    "canigou": ("FR7610107001011234567890129", "BRED Perpignan"),
}
DEFAULT_IBAN = ("FR7630004000031234567890143", "BNP Paribas")


@dataclass(frozen=True)
class CamtEntry:
    booking_date: dt.date
    amount: Decimal  # signed
    counterparty: str = ""
    remittance: str = ""
    reference: str = ""
    additional: str = ""
    details: tuple[tuple[Decimal, str, str], ...] = ()  # batch: (amount, name, remittance)


def camt053_document(
    *,
    iban: str,
    start: dt.date,
    end: dt.date,
    opening: Decimal,
    entries: list[CamtEntry],
    statement_id: str = "",
) -> bytes:
    """A camt.053.001.08 statement (the demo's and the benchmarks' files)."""
    closing = opening + sum((e.amount for e in entries), Decimal("0.00"))

    def balance(code: str, amount: Decimal, day: dt.date) -> str:
        side = "CRDT" if amount >= 0 else "DBIT"
        return (
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
            f'<Amt Ccy="EUR">{abs(amount):.2f}</Amt><CdtDbtInd>{side}</CdtDbtInd>'
            f"<Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>"
        )

    def party(credit: bool, name: str) -> str:
        role = "Dbtr" if credit else "Cdtr"
        return f"<RltdPties><{role}><Pty><Nm>{escape(name)}</Nm></Pty></{role}></RltdPties>"

    parts = []
    for number, entry in enumerate(entries, 1):
        credit = entry.amount > 0
        side = "CRDT" if credit else "DBIT"
        if entry.details:
            details = "".join(
                f"<TxDtls><Refs><EndToEndId>{number}-{n}</EndToEndId></Refs>"
                f'<Amt Ccy="EUR">{abs(amount):.2f}</Amt><CdtDbtInd>{side}</CdtDbtInd>'
                f"{party(credit, name)}<RmtInf><Ustrd>{escape(text)}</Ustrd></RmtInf></TxDtls>"
                for n, (amount, name, text) in enumerate(entry.details, 1)
            )
            details = (
                f"<NtryDtls><Btch><PmtInfId>{escape(entry.reference)}</PmtInfId>"
                f"<NbOfTxs>{len(entry.details)}</NbOfTxs></Btch>{details}</NtryDtls>"
            )
        elif entry.counterparty or entry.remittance:
            details = (
                f"<NtryDtls><TxDtls>{party(credit, entry.counterparty)}"
                f"<RmtInf><Ustrd>{escape(entry.remittance)}</Ustrd></RmtInf></TxDtls></NtryDtls>"
            )
        else:
            details = ""
        parts.append(
            f'<Ntry><Amt Ccy="EUR">{abs(entry.amount):.2f}</Amt><CdtDbtInd>{side}</CdtDbtInd>'
            f"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{entry.booking_date.isoformat()}</Dt></BookgDt>"
            f"<ValDt><Dt>{entry.booking_date.isoformat()}</Dt></ValDt>"
            f"<AcctSvcrRef>{start:%Y%m}{number:08d}</AcctSvcrRef>{details}"
            f"<AddtlNtryInf>{escape(entry.additional)}</AddtlNtryInf></Ntry>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>{statement_id or start.isoformat()}</MsgId>"
        f"<CreDtTm>{end.isoformat()}T06:00:00+01:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{statement_id or f'{start:%Y-%m}-{iban}'}</Id>"
        f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        f"{balance('OPBD', opening, start)}{balance('CLBD', closing, end)}"
        f"{''.join(parts)}</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def _ledger_512(before: dt.date) -> Decimal:
    totals = EntryLine.objects.filter(
        account__code="512", date__lt=before, entry__status=Entry.Status.VALIDATED
    ).aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (totals["debit"] or Decimal(0)) - (totals["credit"] or Decimal(0))


def _open_invoices(limit: int) -> list[tuple[Decimal, str, str]]:
    """Recent open customer items with an invoice number: (amount, customer, number). Only
    invoices whose entry has that one item to collect (not a balance deducting deposits, nor a
    situation withholding a retention guarantee), so the customer's transfer is that amount."""
    rows = (
        EntryLine.objects.filter(
            account__code="411",
            lettering__isnull=True,
            debit__gt=0,
            entry__status=Entry.Status.VALIDATED,
        )
        .exclude(entry__piece_ref="")
        # No other item to collect in the same entry (one lookup per line read, newest first,
        # rather than counting the lines of every customer entry).
        .exclude(
            Exists(
                EntryLine.objects.filter(
                    entry_id=OuterRef("entry_id"), third_party__isnull=False, debit__gt=0
                ).exclude(pk=OuterRef("pk"))
            )
        )
        .order_by("-date", "-pk")
        .values_list("debit", "third_party__name", "entry__piece_ref")[:limit]
    )
    return list(rows)


def _sepa_batch(start: dt.date, today: dt.date) -> CamtEntry | None:
    """The SEPA batch the purchases demo sent this month, as the bank reports it: one debit with
    the batch's reference and one transaction per payment (its line then points them)."""
    batches: dict[str, list[LedgerPayment]] = {}
    for payment in ledger_payments_unpointed(around=[today]):
        if payment.source == "purchases" and payment.piece_ref and payment.date >= start:
            batches.setdefault(payment.piece_ref, []).append(payment)
    if not batches:
        return None
    reference = min(batches)
    payments = batches[reference]
    return CamtEntry(
        booking_date=min(max(p.date for p in payments), today),
        amount=sum((p.amount for p in payments), Decimal("0.00")),
        reference=reference,
        additional=f"REMISE VIREMENTS SEPA {reference}",
        details=tuple(
            (-p.amount, p.label.rsplit("·", 1)[-1].strip().upper(), p.label)
            for p in sorted(payments, key=lambda p: p.line_id)
        ),
    )


def seed(*, cooperative: Cooperative, rng: random.Random) -> dict[str, int]:
    """Create this app's demo rows in the active cooperative (idempotent); returns counts."""
    if not BankAccount.objects.exists():
        iban, name = DEMO_IBANS.get(cooperative.slug, DEFAULT_IBAN)
        account = services.bank_account_create(iban=iban, name=name)
        services.rule_create(
            name="Frais de carte",
            label_contains="FRAIS CB",
            account="627",
            direction=ReconciliationRule.Direction.DEBIT,
        )
        today = timezone.localdate()
        start = today.replace(day=1)
        days = max(today.day, 1)
        entries = [
            CamtEntry(
                booking_date=start + dt.timedelta(days=rng.randrange(days)),
                amount=amount,
                counterparty=(customer or "CLIENT").upper(),
                remittance=f"FACTURE {number}",
                additional=f"VIR SEPA RECU /DE {(customer or 'CLIENT').upper()}",
            )
            for amount, customer, number in _open_invoices(6)
        ]
        entries += [
            CamtEntry(
                booking_date=start + dt.timedelta(days=rng.randrange(days)),
                amount=Decimal("-8.40"),
                additional="FRAIS CB COMMISSION CARTE",
            ),
            CamtEntry(
                booking_date=start,
                amount=Decimal("-12.00"),
                additional="COMMISSION TENUE DE COMPTE",
            ),
            _sepa_batch(start, today)
            or CamtEntry(
                booking_date=start + dt.timedelta(days=rng.randrange(days)),
                amount=Decimal("-760.00"),
                reference=f"PAY-{start:%Y-%m}",
                additional=f"REMISE VIREMENTS SEPA PAY-{start:%Y-%m}",
                details=(
                    (Decimal("400.00"), "LEA MARTIN", "NOTE DE FRAIS"),
                    (Decimal("360.00"), "FOURNITURES DE BUREAU 66", "FACTURE FB-2231"),
                ),
            ),
        ]
        entries.sort(key=lambda e: e.booking_date)
        document = camt053_document(
            iban=account.iban,
            start=start,
            end=today,
            opening=_ledger_512(start),
            entries=entries,
        )
        services.statement_import(
            bank_account=account, data=document, file_name=f"releve-{start:%Y-%m}.xml"
        )
    if not EntryTemplate.objects.exists():
        _templates_seed(cooperative)
    return {
        "bank_accounts": BankAccount.objects.count(),
        "bank_lines": BankLine.objects.count(),
        "entry_templates": EntryTemplate.objects.count(),
        "entry_attachments": EntryAttachment.objects.count(),
    }


RENT_TOTAL = Decimal("1500.00")
RENT_SHARES = (Decimal("40"), Decimal("35"))  # the first two activities; the structure the rest


def _templates_seed(cooperative: Cooperative) -> None:
    """The rent shared by the activities and the structure, the insurance of the structure;
    this month's rent as a draft with its receipt."""
    activities = list(Activity.objects.filter(members__isnull=False).distinct().order_by("pk")[:2])
    parts: list[tuple[Activity | None, Decimal]] = list(zip(activities, RENT_SHARES, strict=False))
    parts.append((None, Decimal("100") - sum((share for _a, share in parts), Decimal(0))))
    rent = services.entry_template_create(
        name="Loyer du local",
        journal="OD",
        label="Loyer du local partagé",
        lines=[
            {"account": account, "activity": activity, "side": side, "share": share}
            for account, side in (("613", "debit"), ("512", "credit"))
            for activity, share in parts
        ],
    )
    services.entry_template_create(
        name="Assurance RC professionnelle",
        journal="OD",
        label="Assurance responsabilité civile professionnelle",
        lines=[
            {"account": "616", "side": "debit", "amount": Decimal("95.00")},
            {"account": "512", "side": "credit", "amount": Decimal("95.00")},
        ],
    )
    month = timezone.localdate().replace(day=1)
    entry = services.entry_template_apply(
        template=rent, date=month, total=RENT_TOTAL, piece_ref=f"LOYER-{month:%Y%m}"
    )
    receipt = receipt_pdf(
        [
            cooperative.name,
            f"Quittance de loyer {month:%m/%Y}",
            f"Montant : {RENT_TOTAL} EUR",
        ]
    )
    services.entry_attachments_add(
        entry=entry,
        uploads=[
            SimpleUploadedFile(
                f"quittance-{month:%Y-%m}.pdf", receipt, content_type="application/pdf"
            )
        ],
    )


def receipt_pdf(lines: list[str]) -> bytes:
    """A one-page PDF (A4, Helvetica) of a few lines of Latin-1 text, written out by hand: its
    cross-reference table gives each object's byte offset, as the format requires."""

    def text(value: str) -> str:
        latin = value.encode("latin-1", "replace").decode("latin-1")
        return latin.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = (
        "BT /F1 14 Tf 72 770 Td 18 TL "
        + " ".join(f"({text(line)}) Tj T*" for line in lines)
        + " ET"
    )
    data = stream.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(data)).encode() + b" >>\nstream\n" + data + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)
