"""Helpers shared by several test modules."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from governance.models import (
    Assembly,
    Resolution,
)
from governance.services import (
    amendment_propose,
    assembly_convene,
    assembly_create,
    assembly_open,
    college_set,
    consultation_create,
    consultation_send,
    resolution_add,
    resolution_open,
    vote_cast,
)
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative
from tests.conftest import World
from tests.factories.governance import AssociateFactory
from tests.governance.conftest import (
    Setup,
    consultation_delivered,
    convened_assembly,
    convocations_regular,
    email_consent,
    opened,
    statutes_signed,
)


def make_consultation(
    world: World,
    *,
    associates: int = 5,
    secret: bool = False,
    send: bool = True,
    deliver: bool = True,
) -> Assembly:
    """Inside cooperative A (SCIC SAS preset, written consultation allowed by its statutes):
    `associates` associates, Alice and Carl first (both consented to e-mail convocation); a
    consultation of two ordinary resolutions answered within 20 days, sent now and, with
    `deliver`, its e-mails sent and its registered letters posted and received today."""
    statutes_signed(preset="scic_sas", written=True)
    cooperative = Cooperative.objects.get(pk=world.coop_a.pk)
    users = [world.alice, world.carl]
    for index in range(associates):
        user = users[index] if index < len(users) else None
        associate = AssociateFactory.create(
            cooperative=cooperative,
            full_name=user.get_full_name() if user else f"Associé·e {index:03d}",
            user=user,
        )
        if user is not None:
            email_consent(associate)
    consultation = consultation_create(
        title="Approbation des comptes 2025",
        kind="ordinary",
        response_deadline=timezone.now() + dt.timedelta(days=20),
    )
    for index in (1, 2):
        resolution_add(
            assembly=consultation,
            title=f"Résolution {index}",
            text=f"Texte de la résolution {index}.",
            secret=secret and index == 2,
        )
    if send:
        consultation = consultation_send(consultation=consultation)
        if deliver:
            consultation = consultation_delivered(consultation)
    return consultation


NEW_TEXT = "L'assemblée affecte 50 % du résultat aux réserves impartageables."


def draft_with_amendment(world: World, *, associates: int = 3) -> tuple[Resolution, Resolution]:
    statutes_signed(preset="scop_sa")  # majority of the votes cast
    for index in range(associates):
        AssociateFactory.create(cooperative=world.coop_a, full_name=f"Associé·e {index}")
    assembly = assembly_create(
        title="AGO",
        kind="ordinary",
        mode="hybrid",
        scheduled_at=timezone.now() + dt.timedelta(days=20),
    )
    resolution = resolution_add(
        assembly=assembly,
        title="Affectation du résultat",
        text="L'assemblée affecte 45 % du résultat aux réserves impartageables.",
    )
    amendment = amendment_propose(resolution=resolution, text=NEW_TEXT, proposed_by="Associé·e 1")
    return resolution, amendment


def open_session(resolution: Resolution) -> list[Any]:
    assembly = convocations_regular(assembly_convene(assembly=resolution.assembly))
    assembly_open(assembly=assembly, now=assembly.scheduled_at)
    return list(assembly.roll.order_by("full_name"))


def scic_resolution(votes: list[str | None]) -> tuple[Setup, Resolution]:
    """Ten associates: 0-1 in college A (50 %), 2-4 in B (30 %), 5-9 in C (20 %). `votes[i]`
    is associate i's online vote (None: does not vote)."""
    colleges = college_set(weights={"A": Decimal(50), "B": Decimal(30), "C": Decimal(20)})
    by_name = {c.name: c for c in colleges}
    layout = ["A"] * 2 + ["B"] * 3 + ["C"] * 5
    setup = convened_assembly(
        associates=10, preset="scic_sas", colleges=[by_name[n] for n in layout]
    )
    opened(setup)
    resolution = resolution_open(resolution=setup.resolutions[0])
    for entry, choice in zip(setup.entries, votes, strict=True):
        if choice is not None:
            vote_cast(resolution=resolution, cast_by=entry, choice=choice)
    return setup, resolution


ACCOUNTS = b"%PDF-1.7 comptes annuels 2025"


def accounts_pdf(name: str = "comptes-2025.pdf", data: bytes = ACCOUNTS) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def draft_assembly(world: World) -> Assembly:
    """Inside cooperative A: Alice and Carl associates, both convened by e-mail with their
    consent, an assembly in 20 days, a draft."""
    statutes_signed(preset="scop_sarl")
    for user, name in ((world.alice, "Alice Arnaud"), (world.carl, "Carl Cazals")):
        email_consent(AssociateFactory.create(cooperative=world.coop_a, user=user, full_name=name))
    assembly = assembly_create(
        title="AGO 2026",
        kind="ordinary",
        mode="hybrid",
        scheduled_at=timezone.now() + dt.timedelta(days=20),
    )
    resolution_add(assembly=assembly, title="Comptes", text="L'assemblée approuve les comptes.")
    return assembly


def run_together(cooperative_id: int, jobs: list[Callable[[], Any]]) -> list[Any]:
    """Start every job at the same instant, each in its own thread and transaction."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def worker(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            with cooperative_context(cooperative_id):
                results[index] = job()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
