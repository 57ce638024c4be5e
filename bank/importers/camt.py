"""ISO 20022 camt.053 (bank-to-customer statement), versions .001.02 to .001.13.

No maintained Python library reads camt.053 (reference/bank-payments-expenses-vat.md §1.6), so
this is a namespace-agnostic lxml reader after OCA's `account_statement_import_camt`. What
differs between versions: the entry status is a plain code in .02 (`Sts`) and a choice in later
ones (`Sts/Cd`); the BIC tag is `BIC` in .02 and `BICFI` later. Only booked entries (BOOK) are
imported. A batch entry (`NtryDtls/Btch`, several `TxDtls`) stays one line, its transactions
kept as details.

The XML is parsed without network access, without loading a DTD and without resolving
entities; a file that declares a DOCTYPE or an entity is refused before parsing.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree

from bank.importers.base import (
    ImportRefused,
    ParsedLine,
    ParsedStatement,
    clean_text,
    decimal_or_refuse,
)

NAMESPACE_RE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d{2})$")
DEFAULT_NAMESPACE_RE = re.compile(rb'\sxmlns="([^"]*)"')
OPENING_CODES = ("OPBD", "PRCD")
CLOSING_CODES = ("CLBD",)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def looks_like(data: bytes) -> bool:
    head = data[:4096]
    return b"camt.053" in head and b"<" in head


def _flat(element: Any) -> dict[str, str]:
    """Every descendant's text by its path ("Refs/EndToEndId", "Amt@Ccy"), first occurrence
    kept: one walk per entry instead of a search per field (10,000-line files)."""
    flat: dict[str, str] = {}
    stack = [(element, "")]
    while stack:
        node, prefix = stack.pop()
        for child in reversed(node):
            path = f"{prefix}{child.tag}"
            text = child.text
            if path not in flat:
                flat[path] = text.strip() if text else ""
                for name, value in child.attrib.items():
                    flat[f"{path}@{name}"] = value
            if len(child):
                stack.append((child, f"{path}/"))
    return flat


def _text(element: Any, path: str) -> str:
    if isinstance(element, dict):
        return str(element.get(path, ""))
    found = element.find(path)
    if found is None or found.text is None:
        return ""
    return str(found.text).strip()


def _date(element: Any, path: str) -> dt.date | None:
    """A `Dt` or a `DtTm` under `path`."""
    if isinstance(element, dict):
        text = element.get(f"{path}/Dt") or element.get(f"{path}/DtTm") or ""
    else:
        node = element.find(path)
        if node is None:
            return None
        text = _text(node, "Dt") or _text(node, "DtTm")
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ImportRefused(_("Date illisible « %(text)s ».") % {"text": text}) from None


def _signed(element: Any, *, where: str) -> Decimal:
    amount = decimal_or_refuse(_text(element, "Amt"), where=where)
    indicator = _text(element, "CdtDbtInd")
    if indicator == "DBIT":
        return -amount
    if indicator == "CRDT":
        return amount
    raise ImportRefused(
        _("Sens (CdtDbtInd) manquant ou inconnu « %(value)s » (%(where)s).")
        % {"value": indicator, "where": where}
    )


def _counterparty(flat: dict[str, str], credit: bool) -> tuple[str, str]:
    """The other party: the debtor of a credit, the creditor of a debit."""
    party = "Dbtr" if credit else "Cdtr"
    name = flat.get(f"RltdPties/{party}/Nm") or flat.get(f"RltdPties/{party}/Pty/Nm") or ""
    iban = flat.get(f"RltdPties/{party}Acct/Id/IBAN", "")
    return clean_text(name, 140), iban.replace(" ", "").upper()[:34]


def _remittance(tx: Any, flat: dict[str, str]) -> tuple[str, str]:
    """(unstructured text, structured creditor reference)."""
    unstructured = " ".join(
        (node.text or "").strip() for node in tx.iterfind("RmtInf/Ustrd") if node.text
    )
    structured = flat.get("RmtInf/Strd/CdtrRefInf/Ref", "")
    return clean_text(unstructured, 500), clean_text(structured, 140)


def _detail(tx: Any, credit: bool) -> dict[str, Any]:
    flat = _flat(tx)
    name, iban = _counterparty(flat, credit)
    unstructured, structured = _remittance(tx, flat)
    amount = flat.get("AmtDtls/TxAmt/Amt") or flat.get("Amt", "")
    end_to_end = flat.get("Refs/EndToEndId", "")
    if end_to_end.upper() == "NOTPROVIDED":
        end_to_end = ""
    return {
        "amount": amount,
        "counterparty": name,
        "counterparty_iban": iban,
        "reference": structured or end_to_end,
        "end_to_end_id": end_to_end,
        "label": unstructured,
        "account_servicer_ref": flat.get("Refs/AcctSvcrRef", ""),
    }


def _entry(element: Any, where: str, currency: str) -> ParsedLine | None:
    entry = _flat(element)
    status = _text(entry, "Sts/Cd") or _text(entry, "Sts")
    if status and status != "BOOK":
        return None
    amount = _signed(entry, where=where)
    booking = _date(entry, "BookgDt")
    if booking is None:
        raise ImportRefused(_("Date de comptabilisation manquante (%(where)s).") % {"where": where})
    entry_currency = entry.get("Amt@Ccy") or currency
    credit = amount > 0
    transactions = element.findall("NtryDtls/TxDtls")
    details = [_detail(tx, credit) for tx in transactions]
    batch_id = _text(entry, "NtryDtls/Btch/PmtInfId")
    additional = clean_text(_text(entry, "AddtlNtryInf"), 500)
    first = details[0] if len(details) == 1 else {}
    label = first.get("label") or additional
    if len(details) > 1:
        count = _text(entry, "NtryDtls/Btch/NbOfTxs") or str(len(details))
        label = additional or _("Lot de %(count)s opérations") % {"count": count}
    domain = "/".join(
        part
        for part in (
            _text(entry, "BkTxCd/Domn/Cd"),
            _text(entry, "BkTxCd/Domn/Fmly/Cd"),
            _text(entry, "BkTxCd/Domn/Fmly/SubFmlyCd"),
        )
        if part
    ) or _text(entry, "BkTxCd/Prtry/Cd")
    tx_ref = details[0].pop("account_servicer_ref", "") if len(details) == 1 else ""
    for detail in details:
        detail.pop("account_servicer_ref", None)
    return ParsedLine(
        booking_date=booking,
        value_date=_date(entry, "ValDt"),
        amount=amount,
        currency=entry_currency,
        counterparty=first.get("counterparty", ""),
        counterparty_iban=first.get("counterparty_iban", ""),
        label=label or first.get("counterparty", ""),
        reference=(first.get("reference") or batch_id)[:140],
        bank_transaction_id=(_text(entry, "AcctSvcrRef") or tx_ref)[:100],
        bank_code=domain[:40],
        details=details if len(details) > 1 else [],
    )


def _balance(statement: Any, codes: tuple[str, ...]) -> tuple[Decimal, dt.date | None] | None:
    for code in codes:
        for balance in statement.iterfind("Bal"):
            if _text(balance, "Tp/CdOrPrtry/Cd") == code:
                return _signed(balance, where=_("solde %(code)s") % {"code": code}), _date(
                    balance, "Dt"
                )
    return None


def parse(data: bytes) -> list[ParsedStatement]:
    upper = data[:65536].upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise ImportRefused(
            _("Le fichier XML déclare un DOCTYPE ou des entités : refusé par sécurité.")
        )
    # The usual file declares its one namespace as the default, on the root: dropped from the
    # text before parsing, the tags come out plain without renaming every element afterwards.
    default = DEFAULT_NAMESPACE_RE.search(data[:4096])
    declared = default.group(1).decode() if default else None
    if default is not None and data.count(b'xmlns="') == 1:
        data = data[: default.start()] + data[default.end() :]
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise ImportRefused(
            _("Le fichier XML est incomplet ou mal formé (%(error)s).") % {"error": error}
        ) from None
    namespace = etree.QName(root).namespace or declared or ""
    match = NAMESPACE_RE.match(namespace)
    if match is None:
        raise ImportRefused(
            _("Ce fichier XML n'est pas un relevé camt.053 (espace de noms « %(ns)s »).")
            % {"ns": namespace}
        )
    if etree.QName(root).namespace:
        # Namespaces dropped once (the version is known), so that paths are plain tags.
        for element in root.iter():
            tag = element.tag
            if isinstance(tag, str) and tag[0] == "{":
                element.tag = tag.split("}", 1)[1]
    statements = root.findall("BkToCstmrStmt/Stmt")
    if not statements:
        raise ImportRefused(_("Le fichier camt.053 ne contient aucun relevé (Stmt)."))
    return [_statement(statement, number) for number, statement in enumerate(statements, 1)]


def _statement(statement: Any, number: int) -> ParsedStatement:
    account_id = _text(statement, "Acct/Id/IBAN") or _text(statement, "Acct/Id/Othr/Id")
    currency = _text(statement, "Acct/Ccy") or "EUR"
    opening = _balance(statement, OPENING_CODES)
    closing = _balance(statement, CLOSING_CODES)
    if opening is None or closing is None:
        raise ImportRefused(
            _("Relevé %(n)s : solde d'ouverture (OPBD/PRCD) ou de clôture (CLBD) manquant.")
            % {"n": number}
        )
    where = _("écriture %(n)s")
    lines = [
        line
        for index, entry in enumerate(statement.iterfind("Ntry"), 1)
        if (line := _entry(entry, where % {"n": index}, currency)) is not None
    ]
    dates = [line.booking_date for line in lines]
    from_text = _text(statement, "FrToDt/FrDtTm")
    to_text = _text(statement, "FrToDt/ToDtTm")
    start = dt.date.fromisoformat(from_text[:10]) if from_text else opening[1]
    end = dt.date.fromisoformat(to_text[:10]) if to_text else closing[1]
    start = start or (min(dates) if dates else None)
    end = end or (max(dates) if dates else None)
    if start is None or end is None:
        raise ImportRefused(_("Relevé %(n)s : période introuvable.") % {"n": number})
    return ParsedStatement(
        account_id=account_id.replace(" ", "").upper(),
        start_date=start,
        end_date=end,
        opening_balance=opening[0],
        closing_balance=closing[0],
        lines=lines,
        currency=currency,
        bank_reference=_text(statement, "Id")[:100],
    )
