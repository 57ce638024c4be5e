"""An assembly's or a written consultation's steps as managers take them (pages and API), with
the work each step hands to the workers once the transaction commits."""

from __future__ import annotations

from django.db import transaction

from governance.models import Assembly, Resolution
from governance.services.assemblies import assembly_convene, assembly_open
from governance.services.consultations import consultation_close, consultation_send
from governance.services.voting import assembly_close, resolution_open
from perspectives.tenancy.jobs import job_enqueue

STEPS = ("convene", "send", "open", "close")


def assembly_advance(*, assembly: Assembly, step: str) -> Assembly:
    """convene (assembly) or send (consultation): the roll and the statutes are frozen, the
    convocation e-mails (to associates who consented) and the letters to post queued; open:
    the session starts; close: results frozen and the minutes queued. A consultation sent
    opens its vote: "a vote is waiting for you" is queued too."""
    from governance.tasks import (
        convocation_letters_render_task,
        convocation_send_task,
        minutes_render_task,
        vote_waiting_notify_task,
    )

    written = assembly.mode == Assembly.Mode.WRITTEN
    if step == "convene":
        assembly = assembly_convene(assembly=assembly)
    elif step == "send":
        assembly = consultation_send(consultation=assembly)
    elif step == "open":
        assembly = assembly_open(assembly=assembly)
    elif step == "close":
        assembly = (
            consultation_close(consultation=assembly)
            if written
            else assembly_close(assembly=assembly)
        )
    else:
        raise ValueError(step)
    if step in ("convene", "send"):
        job_enqueue(convocation_send_task, assembly_id=assembly.pk)
        job_enqueue(convocation_letters_render_task, assembly_id=assembly.pk)
        if written:
            job_enqueue(vote_waiting_notify_task, assembly_id=assembly.pk)
    elif step == "close":
        job_enqueue(minutes_render_task, assembly_id=assembly.pk)
    return assembly


@transaction.atomic
def vote_open(*, resolution: Resolution) -> Resolution:
    """Open the vote on a resolution in session, and queue "a vote is waiting for you" for the
    associates not told yet in this assembly."""
    from governance.tasks import vote_waiting_notify_task

    resolution = resolution_open(resolution=resolution)
    job_enqueue(vote_waiting_notify_task, assembly_id=resolution.assembly_id)
    return resolution
