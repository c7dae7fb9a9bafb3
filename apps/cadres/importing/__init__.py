"""Excel/CSV import of records: templates, readers, row validation, preview, commit.

A record type (spec.RecordType) declares its columns and its database checks and writes; the
rest is shared. Importing this package registers the record types: cadres, units, and the parts
of a cadre's record (appointments, education, family members).
"""

from .appointment_type import APPOINTMENTS
from .cadre_type import CADRES
from .education_type import EDUCATIONS
from .family_type import FAMILY
from .readers import FileRefused, Table, read_upload, sniff
from .spec import REGISTRY, Field, Kind, ParsedRow, RecordType, Status, importable_by, register
from .template import template
from .unit_type import UNITS
from .validation import MAX_ROWS, Problem, Result, validate

# The import page lists the types in this order: the cadre record before its parts.
for _key in ("cadres", "appointments", "educations", "family", "units"):
    REGISTRY[_key] = REGISTRY.pop(_key)

__all__ = [
    "APPOINTMENTS",
    "CADRES",
    "EDUCATIONS",
    "FAMILY",
    "MAX_ROWS",
    "REGISTRY",
    "UNITS",
    "Field",
    "FileRefused",
    "Kind",
    "ParsedRow",
    "Problem",
    "RecordType",
    "Result",
    "Status",
    "Table",
    "importable_by",
    "read_upload",
    "register",
    "sniff",
    "template",
    "validate",
]
