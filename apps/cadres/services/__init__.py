"""Writes to the cadre record: transactional, scope re-checked, audited in the same transaction."""

from apps.cadres.pinyin import pinyin_of

from .common import cadre_for_change, raise_problems
from .parts import (
    AppointmentInput,
    appointment_add,
    education_add,
    family_add,
    part_add,
    rank_add,
    refresh_derived,
    resume_add,
)
from .record import CADRE_FIELDS, cadre_create, cadre_delete, cadre_restore, cadre_update

__all__ = [
    "CADRE_FIELDS",
    "AppointmentInput",
    "appointment_add",
    "cadre_create",
    "cadre_delete",
    "cadre_for_change",
    "cadre_restore",
    "cadre_update",
    "education_add",
    "family_add",
    "part_add",
    "pinyin_of",
    "raise_problems",
    "rank_add",
    "refresh_derived",
    "resume_add",
]
