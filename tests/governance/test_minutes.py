"""The minutes PDF: candidates of elections, college counts of weighted votes, and the seal that
governance_verify checks (text read back with pdftotext)."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess

from governance.models import Assembly, Associate, Attendance, AuditEvent, Resolution
from governance.services import (
    assembly_close,
    assembly_convene,
    assembly_document_add,
    assembly_open,
    candidacy_file,
    resolution_close,
    resolution_open,
    vote_cast,
)
from governance.services.minutes import minutes_render
from governance.services.verify import governance_verify
from tests.conftest import World
from tests.governance.conftest import Setup, convened_assembly, convocations_regular, opened
from tests.helpers.governance import (
    ACCOUNTS,
    NEW_TEXT,
    accounts_pdf,
    draft_assembly,
    draft_with_amendment,
    open_session,
    scic_resolution,
)


def minutes_text(assembly: Assembly) -> str:
    """The minutes' text, columns kept (pdftotext -layout), spaces between cells collapsed."""
    with assembly.minutes_file.open("rb") as pdf:
        body = pdf.read()
    pdftotext = shutil.which("pdftotext") or "/usr/bin/pdftotext"  # poppler-utils
    text = subprocess.run(  # noqa: S603 - fixed arguments, the PDF on stdin
        [pdftotext, "-layout", "-", "-"], input=body, capture_output=True, check=True
    ).stdout.decode()
    return re.sub(r"[ \t]{2,}", " | ", text)


def _election() -> Setup:
    """Four employee associates, two seats; three candidates."""
    setup = convened_assembly(associates=4, resolutions=(("election", False),), seats=2)
    Associate.objects.update(category="employee")
    election = setup.resolutions[0]
    c0, c1, c2 = (candidacy_file(resolution=election, entry=e) for e in setup.entries[:3])
    opened(setup)
    resolution_open(resolution=election)
    tickets = {0: [c0, c1], 1: [c0, c2], 2: [c0, c1], 3: []}
    for index, names in tickets.items():
        vote_cast(
            resolution=election,
            cast_by=setup.entries[index],
            choice="for" if names else "abstain",
            candidates=[c.pk for c in names],
        )
    assembly_close(assembly=setup.assembly)
    return setup


def test_minutes_of_an_election_list_each_candidate_and_carry_the_seal(in_a: World) -> None:
    setup = _election()

    assembly = minutes_render(assembly_id=setup.assembly.pk)

    text = minutes_text(assembly)
    assert "Élection : 2 sièges à pourvoir" in text
    assert "Candidat·e | Voix | Élu·e" in text
    assert "Associé·e 000 | 3 | Élu·e" in text
    # Two seats, but only one candidate has the majority of the four present (3 votes).
    assert "Associé·e 001 | 2 | Non élu·e" in text
    assert "Associé·e 002 | 1 | Non élu·e" in text
    event = AuditEvent.objects.get(kind="minutes")
    with assembly.minutes_file.open("rb") as pdf:
        assert event.payload["sha256"] == hashlib.sha256(pdf.read()).hexdigest()
    closed = AuditEvent.objects.get(kind="closed")
    # The chain head printed is the last event before the minutes: the assembly's close.
    assert (event.payload["chain_head"], event.payload["chain_seq"]) == (closed.hash, closed.seq)
    assert event.prev_hash == closed.hash
    assert re.fullmatch(r"[0-9a-f]{64}", event.payload["seal"])
    assert event.payload["seal"] in text
    assert closed.hash in text
    assert f"Tête du journal d'audit (événement n° {closed.seq})" in text
    assert governance_verify() == []


def test_minutes_show_each_college_weight_and_counts(in_a: World) -> None:
    # A (50 %): 1 for; B (30 %): 2 against, 1 abstention; C (20 %): 1 for, 4 against.
    setup, resolution = scic_resolution(
        ["for", None, "against", "against", "abstain", "for", *["against"] * 4]
    )
    assembly_close(assembly=setup.assembly)

    text = minutes_text(minutes_render(assembly_id=setup.assembly.pk))

    assert "Vote par collèges" in text
    assert "Collège | Poids | Pour | Contre | Abstentions" in text
    assert "A | 1/2 (50,00 %) | 1 | 0 | 0" in text
    assert "B | 3/10 (30,00 %) | 0 | 2 | 1" in text
    assert "C | 1/5 (20,00 %) | 1 | 4 | 0" in text
    # 50 × 1 + 20 × 1/5 = 54 % for; 30 + 20 × 4/5 = 46 % against.
    assert "Résultat pondéré | 100 % | 54,00 % | 46,00 % | —" in text
    assert Resolution.objects.get(pk=resolution.pk).outcome == "adopted"
    assert governance_verify() == []


def test_verify_detects_a_changed_pdf_and_a_changed_attendance_after_the_minutes(
    in_a: World,
) -> None:
    setup = _election()
    assembly = minutes_render(assembly_id=setup.assembly.pk)
    with assembly.minutes_file.open("rb") as pdf:
        original = pdf.read()
    with open(assembly.minutes_file.path, "wb") as pdf:
        pdf.write(original + b"%% a line added after the seal\n")
    assert governance_verify() == [f"assembly {assembly.pk}: the minutes PDF differs from its hash"]
    with open(assembly.minutes_file.path, "wb") as pdf:
        pdf.write(original)
    # Results are frozen by the database; the attendance sheet is not, and the seal covers it.
    Attendance.objects.filter(entry=setup.entries[3]).update(mode="room")
    assert governance_verify() == [f"assembly {assembly.pk}: the minutes' seal does not match"]


def test_minutes_list_the_documents_sent_with_the_convocation(in_a: World) -> None:
    assembly = draft_assembly(in_a)
    assembly_document_add(
        assembly=assembly,
        title="Comptes annuels 2025",
        upload=accounts_pdf(),
        uploaded_by=in_a.carl,
    )
    assembly = convocations_regular(assembly_convene(assembly=assembly))
    assembly_close(assembly=assembly_open(assembly=assembly, now=assembly.scheduled_at))

    text = minutes_text(minutes_render(assembly_id=assembly.pk))

    assert "Documents adressés avec la convocation" in text
    assert "Document | Empreinte SHA-256 du fichier" in text
    assert f"Comptes annuels 2025 | {hashlib.sha256(ACCOUNTS).hexdigest()}" in text
    assert governance_verify() == []


def test_minutes_show_an_amendment_its_author_and_both_texts(in_a: World) -> None:
    resolution, amendment = draft_with_amendment(in_a)
    a, b, c = open_session(resolution)
    resolution_open(resolution=amendment)
    for entry, choice in ((a, "for"), (b, "for"), (c, "against")):
        vote_cast(resolution=amendment, cast_by=entry, choice=choice)
    resolution_close(resolution=amendment)
    resolution_open(resolution=resolution)
    vote_cast(resolution=resolution, cast_by=a, choice="for")
    assembly_close(assembly=resolution.assembly)

    text = minutes_text(minutes_render(assembly_id=resolution.assembly_id))

    assert "Résolution n° 2 : Amendement n° 1 à la résolution 1" in text
    assert "Amendement à la résolution n° 1, proposé par Associé·e 1." in text
    assert "Texte initial, avant amendement :" in text
    assert "L'assemblée affecte 45 % du résultat aux réserves impartageables." in text
    assert "Texte mis aux voix, amendé :" in text
    assert NEW_TEXT in text
    # The amendment: 2 for, 1 against; the amended resolution: 1 for.
    assert re.search(r"\n *2 \| 1 \| 0 \| Adoptée\n", text)
    assert re.search(r"\n *1 \| 0 \| 0 \| Adoptée\n", text)
    assert governance_verify() == []
