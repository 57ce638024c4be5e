"""Bank fees: the lines the bank debits for its own services (card and account fees,
commissions, overdraft charges), recognised without a rule of the cooperative and offered
against 627 "Services bancaires et assimilés".

A line is a fee when it is a debit that pays no one (no counterparty account, not a batch) and
- its bank transaction code names charges: in camt.053 (`BkTxCd`, kept as
  "DOMAIN/FAMILY/SUB-FAMILY") a sub-family of the charges group (CHRG, FEES, COMM, COME, COMI,
  COMT), in OFX the transaction types FEE and SRVCHG, or
- its label says so ("FRAIS", "COMMISSION", "COTISATION CARTE", "AGIOS", …), which is what the
  CFONB 120 and OFX files carry; "NOTE(S) DE FRAIS" (an expense report paid) is not a fee.

The part goes to the bank account's dedicated activity, else to the structure (no activity),
as a rule without an activity does; the accountant confirms or splits it.
"""

from __future__ import annotations

import re

from bank.models import BankLine

FEES_ACCOUNT = "627"
# Above an item of the same amount (50); below a payment the ledger already holds (55: the fee
# was posted by hand) and the cooperative's rules (60).
FEE_SCORE = 52
_FEE_CODES = frozenset({"CHRG", "FEES", "COMM", "COME", "COMI", "COMT"})
_OFX_FEE_TYPES = frozenset({"FEE", "SRVCHG"})
_FEE_WORDS = re.compile(
    r"\b(?:FRAIS|FRS|COMMISSIONS?|COM\s+INTERVENTION|COTISATIONS?\s+(?:CARTE|CB|OFFRE|PACK)"
    r"|COTIS\s+CARTE|AGIOS|INT[EÉ]R[EÊ]TS\s+D[EÉ]BITEURS|TENUE\s+DE\s+COMPTE|ABONNEMENT\s+BANQUE"
    r"|ABONNEMENT\s+EN\s+LIGNE)\b"
)
_NOT_FEES = re.compile(r"\bNOTES?\s+DE\s+FRAIS\b")


def is_bank_fee(line: BankLine) -> bool:
    if line.amount >= 0 or line.counterparty_iban or len(line.details or []) > 1:
        return False
    code = line.bank_code.upper()
    if code in _OFX_FEE_TYPES or set(code.split("/")[1:]) & _FEE_CODES:
        return True
    text = f"{line.label} {line.reference}".upper()
    return bool(_FEE_WORDS.search(text)) and not _NOT_FEES.search(text)
