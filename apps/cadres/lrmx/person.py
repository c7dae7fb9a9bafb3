"""What a file holds: the raw elements read from it and the person parsed from them."""

from dataclasses import dataclass, field
from datetime import date

from .values import ResumeLine


@dataclass(frozen=True)
class ExtraElement:
    """An element this system does not know (DaoLingNianYue…), kept as XML for a re-export of
    the same parse; never stored (the record has no field for it)."""

    tag: str
    xml: str


@dataclass
class RawPerson:
    """The elements as text, before interpretation. A tag absent from `fields` was absent from
    the file (an update keeps that field); a present but empty one clears it."""

    fields: dict[str, str]
    family: list[dict[str, str]] = field(default_factory=list)
    extras: list[ExtraElement] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    photo: bytes | None = None  # a legacy .lrm's separate .pic file
    source: str = "lrmx"


@dataclass(frozen=True)
class ParsedEducation:
    mode: str  # EducationMode
    level: str  # EducationLevel
    degree: str  # Degree
    school: str
    major: str


@dataclass(frozen=True)
class ParsedFamilyMember:
    relation: str
    name: str
    birth_date: date | None
    political_status: str  # PoliticalStatus or ""
    work_unit_and_post: str


@dataclass
class ParsedPerson:
    """A cadre as read from one .lrmx/.lrm file, values already in the record's codes.

    `present` names the record fields the file carried (an update leaves the others alone);
    `not_stored` holds the form's texts the record does not keep (奖惩情况, 呈报单位 …) and
    `extras` the unknown elements: both are shown in the preview and otherwise ignored.
    """

    name: str
    gender: str
    birth_date: date
    work_start_date: date
    ethnicity: str = "汉族"
    native_place: str = ""
    birthplace: str = ""
    political_status: str = ""  # "" when 入党时间 is blank: nothing stated
    party_join_date: date | None = None
    other_party: str = ""
    health: str = ""
    professional_title: str = ""
    expertise: str = ""
    current_post: str = ""
    proposed_post: str = ""
    proposed_removal: str = ""
    id_number: str = ""
    educations: list[ParsedEducation] = field(default_factory=list)
    resume: list[ResumeLine] = field(default_factory=list)
    family: list[ParsedFamilyMember] = field(default_factory=list)
    photo: bytes | None = None
    photo_ext: str = ""
    present: frozenset[str] = frozenset()
    not_stored: dict[str, str] = field(default_factory=dict)
    extras: list[ExtraElement] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source: str = "lrmx"
    version: str = ""
