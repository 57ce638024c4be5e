"""The FEC against the text of A47 A-1: golden file, validator rules, commands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounting import fec, services
from accounting.models import Entry, EntryLine
from accounting.services import LineInput
from tests.accounting.conftest import Ledger


def _small_ledger(ledger: Ledger) -> None:
    ledger.sale("120.00", date=dt.date(2025, 2, 3), piece_ref="F-2025-001")
    payment = ledger.post(
        [
            LineInput("512", debit="120.00", activity=ledger.a1, label="Virement | client\nOK"),
            LineInput("411", credit="120.00", activity=ledger.a1, third_party=ledger.customer),
        ],
        journal="BQ",
        date=dt.date(2025, 2, 20),
        label="Règlement F-2025-001",
    )
    receivables = EntryLine.objects.filter(account__code="411").values_list("pk", flat=True)
    services.lines_letter(line_ids=list(receivables), date=dt.date(2025, 2, 21))
    # Validated last, exported first: the opening entries.
    ledger.post(
        [
            LineInput("512", debit="500.00", activity=ledger.a1),
            LineInput("110", credit="500.00", activity=ledger.a1),
        ],
        journal="AN",
        date=dt.date(2025, 1, 1),
        label="À-nouveaux",
    )
    assert payment.number == 1


def test_the_file_is_exactly_what_the_text_asks(ledger: Ledger) -> None:
    _small_ledger(ledger)
    lines = list(fec.fec_lines(ledger.cooperative, ledger.fiscal_year))
    # ValidDate is the day the database validated the entries, by its own clock.
    stamps = Entry.objects.values_list("validated_at", flat=True)
    validated = {timezone.localdate(at) for at in stamps}
    assert len(validated) == 1
    today = validated.pop().strftime("%Y%m%d")
    assert all(line.endswith("\r\n") for line in lines)
    assert [line.removesuffix("\r\n") for line in lines] == [
        "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|"
        "CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|"
        "Montantdevise|Idevise",
        f"AN|À-nouveaux|AN000001|20250101|512|Banques|||AN000001|20250101|À-nouveaux|500,00|"
        f"0,00|||{today}||",
        f"AN|À-nouveaux|AN000001|20250101|110|Report à nouveau (solde créditeur)|||AN000001|"
        f"20250101|À-nouveaux|0,00|500,00|||{today}||",
        f"VT|Ventes|VT000001|20250203|411|Clients|CLIENT1|Client Un|F-2025-001|20250203|"
        f"Facture|120,00|0,00|A|20250221|{today}||",
        f"VT|Ventes|VT000001|20250203|706|Prestations de services|||F-2025-001|20250203|"
        f"Facture|0,00|100,00|||{today}||",
        f"VT|Ventes|VT000001|20250203|44571|TVA collectée|||F-2025-001|20250203|Facture|0,00|"
        f"20,00|||{today}||",
        f"BQ|Banque|BQ000001|20250220|512|Banques|||BQ000001|20250220|Virement client OK|"
        f"120,00|0,00|||{today}||",
        f"BQ|Banque|BQ000001|20250220|411|Clients|CLIENT1|Client Un|BQ000001|20250220|"
        f"Règlement F-2025-001|0,00|120,00|A|20250221|{today}||",
    ]
    assert fec.fec_filename(ledger.cooperative, ledger.fiscal_year) == (
        f"{ledger.cooperative.siren}FEC20251231.txt"
    )
    data = "".join(lines).encode("utf-8")
    assert fec.fec_validate(data, filename=f"{ledger.cooperative.siren}FEC20251231.txt") == []


def test_the_export_command_writes_a_file_that_the_validator_accepts(
    ledger: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _small_ledger(ledger)
    call_command("fec_export", ledger.cooperative.slug, "2025", "--output", str(tmp_path))
    path = tmp_path / f"{ledger.cooperative.siren}FEC20251231.txt"
    assert path.read_bytes().startswith(b"JournalCode|")
    assert (tmp_path / f"{path.stem}_description.txt").read_text().startswith("Description")
    assert "7 lignes, SHA-256" in capsys.readouterr().out
    call_command("fec_validate", str(path), "--year-start", "2025-01-01")
    assert "conforme" in capsys.readouterr().out
    # The other spelling of the issue: --cooperative and --year.
    other = tmp_path / "copie"
    other.mkdir()
    call_command(
        "fec_export",
        "--cooperative",
        ledger.cooperative.slug,
        "--year",
        "2025",
        "--output",
        str(other),
    )
    assert (other / path.name).read_bytes() == path.read_bytes()


HEADER = "|".join(fec.FIELDS)
GOOD = "VT|Ventes|VT1|20250203|411|Clients|C1|Client|F1|20250203|Facture|120,00|0,00|||20250204||"
GOOD2 = "VT|Ventes|VT1|20250203|706|Ventes|||F1|20250203|Facture|0,00|120,00|||20250204||"


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        ([GOOD, GOOD2], []),
        ([GOOD, GOOD2.replace("120,00", "110,00")], ["ligne 2 : écriture VT1 déséquilibrée"]),
        ([GOOD.replace("120,00", "120.00"), GOOD2], ["ligne 2 : Debit « 120.00 »"]),
        ([GOOD.replace("120,00", "1 120,00"), GOOD2], ["ligne 2 : Debit « 1 120,00 »"]),
        ([GOOD.replace("|0,00|", "|5,00|"), GOOD2], ["ligne 2 : montant au débit et au crédit"]),
        ([GOOD.replace("20250203|411", "20250231|411"), GOOD2], ["ligne 2 : EcritureDate"]),
        ([GOOD.replace("|411|", "|X11|"), GOOD2], ["ligne 2 : CompteNum « X11 »"]),
        ([GOOD.replace("|Facture|", "||"), GOOD2], ["ligne 2 : EcritureLib vide"]),
        ([GOOD.replace("|||20250204", "|A||20250204"), GOOD2], ["EcritureLet et DateLet"]),
        ([GOOD + "|extra", GOOD2], ["ligne 2 : 19 zones au lieu de 18"]),
        ([GOOD.replace("20250203|411", "20260105|411"), GOOD2], ["après la clôture"]),
        ([GOOD, GOOD2.replace("|||20250204||", "|||20250204||EURO")], ["Idevise"]),
    ],
)
def test_the_validator_names_each_problem_and_its_line(
    records: list[str], expected: list[str]
) -> None:
    data = ("\r\n".join([HEADER, *records]) + "\r\n").encode("utf-8")
    problems = [str(p) for p in fec.fec_validate(data, filename="842135709FEC20251231.txt")]
    assert len(problems) == len(expected), problems
    for problem, start in zip(problems, expected, strict=True):
        assert start in problem


def test_the_validator_checks_name_header_separator_and_encoding() -> None:
    good = ("\r\n".join([HEADER, GOOD, GOOD2]) + "\r\n").encode("utf-8")
    assert [str(p) for p in fec.fec_validate(good, filename="export.csv")] == [
        "nom de fichier « export.csv » : attendu SirenFECAAAAMMJJ"
    ]
    commas = good.replace(b"|", b",")
    assert "séparateur absent" in str(fec.fec_validate(commas, filename="842135709FEC20251231")[0])
    wrong_header = good.replace(b"EcritureLib", b"Libelle")
    assert "en-tête" in str(fec.fec_validate(wrong_header, filename="842135709FEC20251231")[0])
    latin = ("\r\n".join([HEADER, GOOD.replace("Facture", "Réglé"), GOOD2])).encode("iso8859_15")
    assert fec.fec_validate(latin, filename="842135709FEC20251231.txt") == []
    tabs = good.replace(b"|", b"\t")
    assert fec.fec_validate(tabs, filename="842135709FEC20251231.txt") == []


def test_the_validate_command_fails_on_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "842135709FEC20251231.txt"
    bad.write_text("\r\n".join([HEADER, GOOD, GOOD2.replace("120,00", "1,00")]))
    with pytest.raises(SystemExit) as exit_info:
        call_command("fec_validate", str(bad))
    assert exit_info.value.code == 1


def test_montant_and_sens_are_accepted() -> None:
    names = [*fec.FIELDS[:11], "Montant", "Sens", *fec.FIELDS[13:]]
    rows = [
        "VT|Ventes|VT1|20250203|411|Clients|C1|Client|F1|20250203|Facture|120,00|D|||20250204||",
        "VT|Ventes|VT1|20250203|706|Ventes|||F1|20250203|Facture|120,00|C|||20250204||",
    ]
    data = ("\n".join(["|".join(names), *rows])).encode()
    assert fec.fec_validate(data, filename="842135709FEC20251231.txt") == []
