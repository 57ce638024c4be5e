"""Writes of the entrepreneurs app, by sub-domain."""

from __future__ import annotations

from entrepreneurs.services.accompaniment import (
    action_create,
    action_set_status,
    appointment_cancel,
    appointment_create,
    goal_create,
    note_add,
)
from entrepreneurs.services.activities import (
    activity_contribution_rate,
    activity_create,
    activity_split_set,
)
from entrepreneurs.services.documents import document_upload
from entrepreneurs.services.path import (
    PreparedFile,
    associate_deadline,
    entrepreneur_become_associate,
    entrepreneur_prepare,
    entrepreneurs_create_many,
    path_step_record,
)
from entrepreneurs.services.people import (
    DEFAULT_SECTORS,
    entrepreneur_anonymise,
    entrepreneur_archive,
    entrepreneur_create,
    entrepreneur_link_account,
    entrepreneur_open,
    entrepreneur_referent_assign,
    entrepreneur_update,
    entrepreneurs_due_for_anonymisation,
    personal_data_access_record,
    sector_create,
    sector_rename,
    sector_seed_defaults,
)
from entrepreneurs.services.skills import collaboration_request_send, skill_offer_create
from entrepreneurs.services.workshops import (
    workshop_attendance_set,
    workshop_create,
    workshop_register,
    workshop_unregister,
)

__all__ = [
    "DEFAULT_SECTORS",
    "PreparedFile",
    "action_create",
    "action_set_status",
    "activity_contribution_rate",
    "activity_create",
    "activity_split_set",
    "appointment_cancel",
    "appointment_create",
    "associate_deadline",
    "collaboration_request_send",
    "document_upload",
    "entrepreneur_anonymise",
    "entrepreneur_archive",
    "entrepreneur_become_associate",
    "entrepreneur_create",
    "entrepreneur_link_account",
    "entrepreneur_open",
    "entrepreneur_prepare",
    "entrepreneur_referent_assign",
    "entrepreneur_update",
    "entrepreneurs_create_many",
    "entrepreneurs_due_for_anonymisation",
    "goal_create",
    "note_add",
    "path_step_record",
    "personal_data_access_record",
    "sector_create",
    "sector_rename",
    "sector_seed_defaults",
    "skill_offer_create",
    "workshop_attendance_set",
    "workshop_create",
    "workshop_register",
    "workshop_unregister",
]
