"""Excel/CSV import of records: templates, readers, row validation, preview, commit.

A record type (spec.RecordType) declares its columns and its database checks and writes; the
rest is shared. Importing this package registers the cadre and unit record types.
"""

from .cadre_type import CADRES
from .readers import FileRefused, Table, read_upload, sniff
from .spec import REGISTRY, Field, Kind, ParsedRow, RecordType, Status, importable_by, register
from .template import template
from .unit_type import UNITS
from .validation import MAX_ROWS, Problem, Result, validate

__all__ = [
    "CADRES",
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
