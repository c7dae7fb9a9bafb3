"""What a record type declares to plug into the import: columns, parsers, checks and commit.

A record type (cadres, units, appointments, education, family members) lists its `Field`s —
Chinese header, kind, required, length limit, coded choices — and implements two database
steps: `check_rows` (look up existing records and references, decide new / updated / unchanged,
add problems; no writes) and `commit` (write a checked plan inside the caller's transaction).
Everything else — reading files, headers, cell parsing, duplicate keys inside the file, the
preview, the marked workbook and the template — is shared.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar

from .values import (
    CellError,
    compact,
    id_number_text,
    is_blank,
    parse_choice,
    parse_date,
    parse_text,
)


class Kind(StrEnum):
    TEXT = "text"
    CODE = "code"  # an identifier typed as text: spaces removed, full-width made ASCII
    DATE = "date"
    CHOICE = "choice"
    ID_NUMBER = "id_number"


class Status(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    INVALID = "invalid"


@dataclass(frozen=True)
class Field:
    """One column of a record type's sheet."""

    name: str  # key in the parsed row (usually the model field)
    header: str  # the template's Chinese column header
    kind: Kind = Kind.TEXT
    required: bool = False
    max_length: int | None = None
    choices: tuple[tuple[str, str], ...] = ()  # (stored value, Chinese label)
    value_aliases: Mapping[str, str] = field(default_factory=dict)  # typed text -> value
    header_aliases: tuple[str, ...] = ()  # other headers people use for the column
    guide: str = ""  # format note for the field guide (填写说明)
    example: str = ""
    width: int = 14  # template column width

    @property
    def labels(self) -> list[str]:
        return [label for _, label in self.choices]

    def lookup(self) -> dict[str, str]:
        """Typed text -> stored value: labels, the stored codes themselves, and aliases."""
        table = {compact(label): value for value, label in self.choices}
        table.update({compact(value): value for value, _ in self.choices})
        table.update({compact(k): v for k, v in self.value_aliases.items()})
        return table


@dataclass
class ParsedRow:
    """One data row: its line in the sheet, the values read, problems and the verdict."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)
    month_only: set[str] = field(default_factory=set)  # date fields typed as a month
    cells: list[Any] = field(default_factory=list)  # the row as read
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field name or "", reason)
    status: Status = Status.NEW

    def add(self, field_name: str, reason: str) -> None:
        self.problems.append((field_name, reason))

    @property
    def ok(self) -> bool:
        return not self.problems


_MISSING = object()
MEMO_LIMIT = 50_000  # distinct texts remembered per column (dates, coded values, codes)


class Parser:
    """Reads one field's cells; built once per import (lookups precomputed). Text cells take a
    fast path: this runs for every cell of up to 100,000 rows, twice (preview and commit).
    Dates, coded values and codes repeat across rows, so the outcome of each distinct text of
    those columns (the value, or the reason it is refused) is remembered: parsing is a pure
    function of the text and `today`, so a remembered outcome is the outcome."""

    def __init__(self, spec: Field, *, today: date) -> None:
        self.spec = spec
        self.kind = spec.kind
        self.today = today
        self.table = spec.lookup() if spec.kind is Kind.CHOICE else {}
        self.memo: dict[str, Any] | None = (
            {} if spec.kind in (Kind.DATE, Kind.CHOICE, Kind.CODE) else None
        )

    def _blank(self) -> Any:
        if self.spec.required:
            raise CellError("必填项未填写")
        return None if self.kind is Kind.DATE else ""

    def __call__(self, raw: Any) -> Any:
        memo = self.memo
        if memo is None or raw.__class__ is not str:
            return self._parse(raw)
        found = memo.get(raw, _MISSING)
        if found is _MISSING:
            try:
                found = self._parse(raw)
            except CellError as exc:
                found = exc
            if len(memo) < MEMO_LIMIT:
                memo[raw] = found
        if isinstance(found, CellError):
            raise CellError(*found.args)
        return found

    def _parse(self, raw: Any) -> Any:
        kind = self.kind
        if raw.__class__ is str:
            text = raw.strip()
            if not text:
                return self._blank()
            if kind is Kind.TEXT:
                limit = self.spec.max_length
                if limit is not None and len(text) > limit:
                    raise CellError(f"超过长度限制（最多{limit}个字，实有{len(text)}个字）")
                return text.replace("\u3000", " ")
            if kind is Kind.CHOICE:
                found = self.table.get(text)
                if found is not None:
                    return found
            elif kind is Kind.ID_NUMBER and raw.isascii() and raw.isalnum():
                return id_number_text(raw, plain=True)
        elif is_blank(raw):
            return self._blank()
        spec = self.spec
        if kind is Kind.DATE:
            return parse_date(raw, today=self.today)
        if kind is Kind.CHOICE:
            return parse_choice(raw, lookup=self.table, label=spec.header, options=spec.labels)
        if kind is Kind.ID_NUMBER:
            return id_number_text(raw)
        text = parse_text(raw, max_length=spec.max_length)
        return compact(text) if kind is Kind.CODE else text


class RecordType:
    """Base of the importable record types; subclasses fill in the class attributes."""

    key: ClassVar[str]  # URL key: "cadres", "units"
    label: ClassVar[str]  # "干部基本信息"
    sheet_title: ClassVar[str]  # the template's data sheet
    audit_action: ClassVar[str]  # "cadre.import"
    key_field: ClassVar[str]  # the upsert key's field name
    fields: ClassVar[tuple[Field, ...]]
    notes: ClassVar[tuple[str, ...]] = ()  # extra lines of the field guide
    roles: ClassVar[frozenset[str]]  # roles that may import this type

    def may_import(self, actor: Any) -> bool:
        return getattr(actor, "role", None) in self.roles

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def header_errors(self, present: set[str]) -> list[str]:
        """File-level problems with the columns present (names of fields)."""
        missing = [f.header for f in self.fields if f.required and f.name not in present]
        return [f"缺少必填列：{'、'.join(missing)}"] if missing else []

    def key_of(self, row: ParsedRow) -> str | None:
        """The row's upsert key for duplicate detection (None when unreadable)."""
        value = row.values.get(self.key_field)
        return str(value) if value else None

    def check_rows(self, rows: list[ParsedRow], *, actor: Any, today: date, lock: bool) -> Any:
        """Database checks of every row (no writes): add problems, set each valid row's status,
        return the plan `commit` needs. With `lock`, existing rows are locked for update."""
        raise NotImplementedError

    def commit(
        self,
        plan: Any,
        *,
        actor: Any,
        today: date,
        report: Callable[[int], None],
        source: Mapping[str, Any],
    ) -> dict[str, int]:
        """Write a checked plan inside the caller's transaction; return the counts (created,
        updated, unchanged). `source` (job, file hash) goes into any audit rows written."""
        raise NotImplementedError


REGISTRY: dict[str, RecordType] = {}


def register(record_type: RecordType) -> RecordType:
    REGISTRY[record_type.key] = record_type
    return record_type


def importable_by(actor: Any) -> list[RecordType]:
    return [t for t in REGISTRY.values() if t.may_import(actor)]


def choices_of(pairs: Iterable[tuple[str, Any]]) -> tuple[tuple[str, str], ...]:
    return tuple((str(v), str(label)) for v, label in pairs)
