"""Pure rules of the 容错纠错 case workflow (rules.md section H, TOL-1 … TOL-6).

Values in, values out: no ORM, no clock ("today" is passed in). The services in
services/cases.py apply them and turn the problems into DomainErrors.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from apps.core.exceptions import DomainError
from apps.tolerance.constants import Applicant, Area, CaseStage, Outcome

# LOCAL practice: a conclusion that departs from the suggested outcome must be argued in at
# least this many characters (the reviewer may decide differently, but not silently).
DISSENT_REASON_MIN_CHARS = 20


@dataclass(frozen=True)
class Problem:
    """A rule violation: the form field it concerns and a Chinese message naming the reason."""

    field: str
    message: str


# Investigation material (核实材料): size limit and allowed types by extension, with the bytes
# each file must start with (a renamed executable is refused); docx/xlsx are ZIP containers, mp3
# starts with an ID3 tag or an MPEG frame header.
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
EVIDENCE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "mp3": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"),
}
EVIDENCE_TYPES_LABEL = "PDF、JPG、PNG、DOCX、XLSX、MP3"


def upload_problems(name: str, size: int, head: bytes) -> tuple[str, list[Problem]]:
    """(extension, problems) of an uploaded file: an allowed type, ≤ 20 MB, and content whose
    leading bytes match the extension."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in EVIDENCE_SIGNATURES:
        return ext, [Problem("file", f"不支持的文件类型，仅可上传{EVIDENCE_TYPES_LABEL}文件")]
    if size > MAX_EVIDENCE_BYTES:
        return ext, [Problem("file", "文件不能超过20MB")]
    if not any(head.startswith(sig) for sig in EVIDENCE_SIGNATURES[ext]):
        message = f"文件内容与扩展名（.{ext}）不符，请上传真实的{EVIDENCE_TYPES_LABEL}文件"
        return ext, [Problem("file", message)]
    return ext, []


# --- TOL-4 application deadline -------------------------------------------------------------


def application_deadline(notified_on: date, days: int) -> date:
    """The last day a tolerance application may be filed: `days` days after the accountability
    (investigation) notice.

    Source: LOCAL parameter `tolerance.application_deadline_days` (default 30); TOL-4 requires
    the tolerance check to run alongside the accountability procedure, localities set the
    period. Counting follows 民法典 第二百零一条 (the day of notice is not counted, the period
    starts the next day), so notice on 03-01 with 30 days ends on 03-31, which is still allowed.
    """
    return notified_on + timedelta(days=days)


def within_deadline(applied_on: date, notified_on: date | None, days: int) -> bool:
    """Whether an application filed on `applied_on` is in time (the last day is allowed).
    Without a notice date no period runs, so the application is in time."""
    if notified_on is None:
        return True
    return applied_on <= application_deadline(notified_on, days)


@dataclass(frozen=True)
class CaseApplication:
    """What a 容错申请 states; `deadline_override_reason` lets the reviewer register a late
    application anyway (kept in the reasons and the audit entry)."""

    applicant: str
    applicant_name: str
    applied_on: date
    notified_on: date | None
    area: str
    matter: str
    reasons: str = ""
    deadline_override_reason: str = ""


def application_problems(data: CaseApplication, today: date, days: int) -> list[Problem]:
    """The application's required facts, its dates (not in the future; the notice not after
    the application) and the deadline (`days` after the notice) unless an override reason is
    given."""
    problems: list[Problem] = []
    if data.applicant not in Applicant.values:
        problems.append(Problem("applicant", "请选择申请人"))
    if data.area not in Area.values:
        problems.append(Problem("area", "请选择领域"))
    for field, label in (("applicant_name", "申请人姓名/单位"), ("matter", "失误错误情况")):
        if not getattr(data, field).strip():
            problems.append(Problem(field, f"请填写{label}"))
    if data.applied_on > today:
        problems.append(Problem("applied_on", "申请日期不能晚于今天"))
    notice, override = data.notified_on, data.deadline_override_reason.strip()
    if notice is not None and notice > data.applied_on:
        problems.append(Problem("notified_on", "问责（调查）告知日期不能晚于申请日期"))
    elif notice is not None and not override and not within_deadline(data.applied_on, notice, days):
        last = application_deadline(notice, days)
        message = (
            f"已超过申请期限（自告知之日起{days}天，截至{last:%Y-%m-%d}）；"
            "确需登记的，请填写逾期受理理由"
        )
        problems.append(Problem("applied_on", message))
        problems.append(Problem("deadline_override_reason", "逾期登记须写明理由"))
    return problems


# --- the workflow ----------------------------------------------------------------------------

ACTION_LABELS: dict[str, str] = {
    "accept": "受理",
    "not_accept": "不予受理",
    "verify": "完成核实",
    "determine": "认定",
    "conclude": "作出结论",
    "close": "办结",
}

# stage → action → next stage (申请 → 受理 → 核实 → 认定 → 结论 → 办结).
TRANSITIONS: dict[str, dict[str, str]] = {
    CaseStage.APPLIED: {"accept": CaseStage.ACCEPTED, "not_accept": CaseStage.NOT_ACCEPTED},
    CaseStage.ACCEPTED: {"verify": CaseStage.VERIFIED},
    CaseStage.VERIFIED: {"determine": CaseStage.DETERMINED},
    CaseStage.DETERMINED: {"conclude": CaseStage.CONCLUDED},
    CaseStage.CONCLUDED: {"close": CaseStage.CLOSED},
}
ORDER: tuple[str, ...] = (
    CaseStage.APPLIED,
    CaseStage.ACCEPTED,
    CaseStage.VERIFIED,
    CaseStage.DETERMINED,
    CaseStage.CONCLUDED,
    CaseStage.CLOSED,
)
# What is missing when an action comes too early.
TOO_EARLY: dict[str, str] = {
    "verify": "尚未受理，不能核实",
    "determine": "尚未完成核实，不能认定",
    "conclude": "尚未完成认定，不能作出结论",
    "close": "尚未作出结论，不能办结",
}
# Stages in which investigation material may still be added.
EVIDENCE_STAGES = frozenset(
    {CaseStage.APPLIED, CaseStage.ACCEPTED, CaseStage.VERIFIED, CaseStage.DETERMINED}
)


def required_stage(action: str) -> str:
    """The stage an action starts from."""
    for stage, actions in TRANSITIONS.items():
        if action in actions:
            return stage
    raise ValueError(f"unknown action {action!r}")


def available_actions(stage: str) -> list[str]:
    """The actions open in `stage`, in workflow order."""
    return list(TRANSITIONS.get(stage, {}))


def next_stage(stage: str, action: str) -> str:
    """The stage after `action`; a DomainError (code "illegal_transition") says why not.

    Out-of-order steps are refused with what is missing ("尚未完成认定，不能作出结论"), repeated
    ones with the current stage; a case not accepted ends there.
    """
    target = TRANSITIONS.get(stage, {}).get(action)
    if target is not None:
        return target
    verb = ACTION_LABELS.get(action, action)
    label = CaseStage(stage).label if stage in CaseStage.values else stage
    if stage == CaseStage.NOT_ACCEPTED:
        message = f"该申请已不予受理，不能{verb}"
    elif action in ACTION_LABELS and stage in ORDER:
        needed = required_stage(action)
        if ORDER.index(stage) < ORDER.index(needed):
            message = TOO_EARLY.get(action, f"当前阶段为“{label}”，不能{verb}")
        else:
            message = f"该案件已处于“{label}”阶段，不能再{verb}"
    else:
        message = f"当前阶段为“{label}”，不能{verb}"
    raise DomainError(message, code="illegal_transition")


def close_problems(pending_corrections: int) -> list[Problem]:
    """办结 only when every correction measure is done (石家庄: 容错并举, 纠错 tracked to done)."""
    if pending_corrections > 0:
        return [Problem("", f"尚有{pending_corrections}项纠错措施未完成，不能办结")]
    return []


# --- 认定: the checklist ---------------------------------------------------------------------


@dataclass(frozen=True)
class Checklist:
    """The reviewer's answers: TOL-1 three distinctions (each with a reason), the TOL-4
    conditions c1–c6, TOL-6 repeat, and whether a negative-list entry matched."""

    d1_inexperience: bool | None = None
    d1_reason: str = ""
    d2_not_prohibited: bool | None = None
    d2_reason: str = ""
    d3_no_personal_gain: bool | None = None
    d3_reason: str = ""
    c1_not_prohibited: bool | None = None
    c2_pilot_unintentional: bool | None = None
    c3_force_majeure: bool | None = None
    c4_loss_mitigated: bool | None = None
    c5_democratic_procedure: bool | None = None
    c6_no_improper_gain: bool | None = None
    is_repeat: bool | None = None
    negative_matched: bool = False


DISTINCTIONS: tuple[tuple[str, str, str], ...] = (
    ("d1_inexperience", "d1_reason", "缺乏经验、先行先试的失误与明知故犯"),
    ("d2_not_prohibited", "d2_reason", "探索性试验与明令禁止后我行我素"),
    ("d3_no_personal_gain", "d3_reason", "推动发展的无意过失与谋取私利"),
)
CONDITIONS: tuple[tuple[str, str], ...] = (
    ("c1_not_prohibited", "法律法规和党纪政纪没有明令禁止"),
    ("c2_pilot_unintentional", "探索创新、先行先试出现无意过失"),
    ("c3_force_majeure", "存在不可抗力、难以预见等因素"),
    ("c4_loss_mitigated", "主动挽回损失、消除不良影响"),
    ("c5_democratic_procedure", "经过民主程序决策或提出明确反对意见"),
    ("c6_no_improper_gain", "没有谋取不正当利益"),
)


def checklist_problems(checklist: Checklist) -> list[Problem]:
    """Everything the 认定 must answer: each of the three distinctions (TOL-1) yes or no with a
    reason, each TOL-4 condition yes or no, and whether the mistake repeats one made before
    (TOL-6)."""
    problems: list[Problem] = []
    for answer, reason, label in DISTINCTIONS:
        if getattr(checklist, answer) is None:
            problems.append(Problem(answer, f"请判断“{label}”的区分"))
        if not getattr(checklist, reason).strip():
            problems.append(Problem(reason, f"请写明“{label}”的区分理由"))
    for answer, label in CONDITIONS:
        if getattr(checklist, answer) is None:
            problems.append(Problem(answer, f"请判断是否“{label}”"))
    if checklist.is_repeat is None:
        problems.append(Problem("is_repeat", "请判断是否重复出现同样失误"))
    return problems


def tol4_met(checklist: Checklist) -> bool:
    """TOL-4 (山东 2017, six conditions; the combination is LOCAL and configurable in principle):
    c6 no improper gain AND (c1 not prohibited OR c2 pilot mistake OR c3 force majeure) AND
    (c4 loss mitigated OR c5 democratic procedure / recorded dissent)."""
    c = checklist
    basis = bool(c.c1_not_prohibited or c.c2_pilot_unintentional or c.c3_force_majeure)
    remedy = bool(c.c4_loss_mitigated or c.c5_democratic_procedure)
    return bool(c.c6_no_improper_gain) and basis and remedy


def suggested_outcome(checklist: Checklist) -> Outcome:
    """The outcome the checklist suggests; the reviewer concludes (TOL-3 outcomes).

    - a negative-list entry matched → 不予容错 (the locality's 负面清单);
    - TOL-6 (大理 2019): a repeat of the same mistake → 不予容错, unless force majeure (c3);
    - no improper gain missing (c6 not met) → 不予容错 (TOL-3: 未谋取私利 is the floor);
    - the TOL-4 combination met → 容错（免责）;
    - otherwise, with c6 met and one of the two groups met → 部分容错 (LOCAL practice: TOL-3's
      从轻减轻 where the conditions are met only in part); else 不予容错.
    """
    c = checklist
    if c.negative_matched:
        return Outcome.NOT_TOLERATED
    if c.is_repeat and not c.c3_force_majeure:
        return Outcome.NOT_TOLERATED
    if not c.c6_no_improper_gain:
        return Outcome.NOT_TOLERATED
    if tol4_met(c):
        return Outcome.TOLERATED
    basis = bool(c.c1_not_prohibited or c.c2_pilot_unintentional or c.c3_force_majeure)
    remedy = bool(c.c4_loss_mitigated or c.c5_democratic_procedure)
    return Outcome.PARTLY if basis or remedy else Outcome.NOT_TOLERATED


# --- 结论 with 纠错 ----------------------------------------------------------------------------


def conclusion_problems(outcome: str, suggested: str, conclusion: str) -> list[Problem]:
    """A conclusion is one of TOL-3's outcomes with a written reason; one that departs from the
    suggestion needs a reason of at least DISSENT_REASON_MIN_CHARS characters (LOCAL practice:
    the reviewer may decide otherwise, but must say why)."""
    problems: list[Problem] = []
    if outcome not in Outcome.values:
        problems.append(Problem("outcome", "请选择结论"))
        return problems
    text = conclusion.strip()
    if not text:
        problems.append(Problem("conclusion", "请写明结论理由"))
    elif outcome != suggested and len(text) < DISSENT_REASON_MIN_CHARS:
        label = Outcome(suggested).label
        problems.append(
            Problem(
                "conclusion",
                f"结论与认定建议（{label}）不一致，"
                f"请写明理由（不少于{DISSENT_REASON_MIN_CHARS}字）",
            )
        )
    return problems


@dataclass(frozen=True)
class CorrectionInput:
    """One 纠错 measure recorded with the conclusion."""

    measure: str
    owner: str
    due_on: date | None


def correction_problems(
    corrections: Sequence[CorrectionInput], concluded_on: date
) -> list[Problem]:
    """石家庄 (容错并举, 纠错): a decision always comes with at least one correction measure, each
    with an owner and a due date not before the conclusion date."""
    if not corrections:
        return [Problem("corrections", "作出结论时须同时明确纠错措施")]
    problems: list[Problem] = []
    for n, item in enumerate(corrections, start=1):
        if not item.measure.strip():
            problems.append(Problem("corrections", f"第{n}项纠错措施：请填写措施内容"))
        if not item.owner.strip():
            problems.append(Problem("corrections", f"第{n}项纠错措施：请填写责任人或责任单位"))
        if item.due_on is None:
            problems.append(Problem("corrections", f"第{n}项纠错措施：请填写完成时限"))
        elif item.due_on < concluded_on:
            problems.append(
                Problem(
                    "corrections",
                    f"第{n}项纠错措施：完成时限不能早于结论日期（{concluded_on:%Y-%m-%d}）",
                )
            )
    return problems


def is_overdue(due_on: date, done_on: date | None, today: date) -> bool:
    """A correction is overdue from the day after its due date while not done."""
    return done_on is None and due_on < today
