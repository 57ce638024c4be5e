"""An assembly's or a written consultation's steps as managers take them (pages and API), with
the work each step hands to the workers once the transaction commits."""

from __future__ import annotations

from governance.models import Assembly
from governance.services.assemblies import assembly_convene, assembly_open
from governance.services.consultations import consultation_close, consultation_send
from governance.services.voting import assembly_close
from perspectives.tenancy.jobs import job_enqueue

STEPS = ("convene", "send", "open", "close")


def assembly_advance(*, assembly: Assembly, step: str) -> Assembly:
    """convene (assembly) or send (consultation): the roll and the statutes are frozen, the
    convocation e-mails (to associates who consented) and the letters to post queued; open:
    the session starts; close: results frozen and the minutes queued."""
    from governance.tasks import (
        convocation_letters_render_task,
        convocation_send_task,
        minutes_render_task,
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
    elif step == "close":
        job_enqueue(minutes_render_task, assembly_id=assembly.pk)
    return assembly
