"""Writes of the governance app, by sub-domain."""

from __future__ import annotations

from governance.services.amendments import amendment_propose
from governance.services.assemblies import (
    assembly_convene,
    assembly_create,
    assembly_open,
    assembly_presence,
    attendance_record,
    proxy_grant,
    proxy_revoke,
    resolution_add,
    roll_hash_compute,
    roll_hash_of,
    rule_for,
    statute_profile_activate,
    statute_profile_create_from_preset,
)
from governance.services.consultations import (
    consultation_answer,
    consultation_close,
    consultation_create,
    consultation_progress,
    consultation_send,
    consultations_close_due,
)
from governance.services.documents import assembly_document_add, assembly_document_remove
from governance.services.elections import candidacy_file, candidacy_withdraw
from governance.services.register import (
    admission_apply,
    admission_complete,
    admission_decide,
    associate_exit,
    associate_import,
    associate_refund_record,
    college_set,
    college_weights_validate,
    share_pay,
    share_subscribe,
)
from governance.services.steps import STEPS, assembly_advance
from governance.services.voting import (
    Receipt,
    assembly_close,
    resolution_close,
    resolution_open,
    resolution_record_room_counts,
    tally_ballots,
    vote_cast,
)

__all__ = [
    "STEPS",
    "Receipt",
    "admission_apply",
    "admission_complete",
    "admission_decide",
    "amendment_propose",
    "assembly_advance",
    "assembly_close",
    "assembly_convene",
    "assembly_create",
    "assembly_document_add",
    "assembly_document_remove",
    "assembly_open",
    "assembly_presence",
    "associate_exit",
    "associate_import",
    "associate_refund_record",
    "attendance_record",
    "candidacy_file",
    "candidacy_withdraw",
    "college_set",
    "college_weights_validate",
    "consultation_answer",
    "consultation_close",
    "consultation_create",
    "consultation_progress",
    "consultation_send",
    "consultations_close_due",
    "proxy_grant",
    "proxy_revoke",
    "resolution_add",
    "resolution_close",
    "resolution_open",
    "resolution_record_room_counts",
    "roll_hash_compute",
    "roll_hash_of",
    "rule_for",
    "share_pay",
    "share_subscribe",
    "statute_profile_activate",
    "statute_profile_create_from_preset",
    "tally_ballots",
    "vote_cast",
]
