"""Pure rules of the cadre record: values in, a verdict out (no ORM, no clock)."""

from dataclasses import dataclass
from datetime import date

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
MIN_WORK_AGE = 16  # 劳动法 第十五条: no employment under 16
MIN_CADRE_AGE = 18
MAX_CADRE_AGE = 70
# Chinese input methods often type full-width digits; read them as the ASCII digits they mean.
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")


@dataclass(frozen=True)
class Problem:
    """A rule violation: the field it concerns and a Chinese message naming the reason."""

    field: str
    message: str


def id_number_check_char(first17: str) -> str:
    """GB 11643-1999 §5.1.4: ISO 7064 MOD 11-2 check character over the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def parse_id_number(raw: str) -> tuple[str, date, str]:
    """Validate an 18-character 公民身份号码 (GB 11643-1999) and return (normalised, birth, gender).

    Raises ValueError with a Chinese message: wrong length or characters, impossible birth date,
    or a wrong check character. Gender follows the parity of the 17th digit (odd = male).
    """
    number = raw.translate(_FULL_WIDTH_DIGITS).strip().upper()
    if len(number) != 18:
        raise ValueError("公民身份号码应为18位")
    # isdigit() alone also accepts other Unicode digits (², ١): require ASCII.
    if (
        not number.isascii()
        or not number[:17].isdigit()
        or not (number[17].isdigit() or number[17] == "X")
    ):
        raise ValueError("公民身份号码前17位须为数字，末位为数字或X")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValueError("公民身份号码中的出生日期不存在") from None
    if id_number_check_char(number[:17]) != number[17]:
        raise ValueError("公民身份号码校验码错误，请核对")
    gender = "male" if int(number[16]) % 2 == 1 else "female"
    return number, birth, gender


def mask_id_number(number: str) -> str:
    """Show the first 6 and last 4 characters (region and check), hide the birth date and serial."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def age_on(birth: date, on: date) -> int:
    """Age in full years (周岁) on a day."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def check_identity(
    *,
    birth_date: date,
    gender: str,
    work_start_date: date | None,
    party_join_date: date | None,
    id_birth: date | None,
    id_gender: str | None,
    today: date,
) -> list[Problem]:
    """Consistency of the identity block of the 任免审批表.

    - age in a plausible range for a serving cadre (18–70 周岁);
    - work starts after birth and not before age 16 (劳动法 第十五条);
    - joining the Party not before 18 (党章 第一条: 年满十八岁);
    - the birth date and gender agree with the 公民身份号码.
    """
    problems: list[Problem] = []
    age = age_on(birth_date, today)
    if birth_date > today:
        problems.append(Problem("birth_date", "出生日期不能晚于今天"))
    elif not MIN_CADRE_AGE <= age <= MAX_CADRE_AGE:
        problems.append(
            Problem(
                "birth_date", f"年龄{age}周岁不在合理范围（{MIN_CADRE_AGE}–{MAX_CADRE_AGE}周岁）"
            )
        )
    if work_start_date is not None:
        if work_start_date > today:
            problems.append(Problem("work_start_date", "参加工作时间不能晚于今天"))
        elif work_start_date <= birth_date or age_on(birth_date, work_start_date) < MIN_WORK_AGE:
            problems.append(
                Problem("work_start_date", f"参加工作时间须在出生后且年满{MIN_WORK_AGE}周岁")
            )
    if party_join_date is not None:
        if party_join_date > today:
            problems.append(Problem("party_join_date", "入党时间不能晚于今天"))
        elif age_on(birth_date, party_join_date) < MIN_CADRE_AGE:
            problems.append(Problem("party_join_date", "入党时须年满十八周岁"))
    if id_birth is not None and id_birth != birth_date:
        problems.append(Problem("birth_date", "出生日期与公民身份号码不一致"))
    if id_gender is not None and id_gender != gender:
        problems.append(Problem("gender", "性别与公民身份号码不一致"))
    return problems


@dataclass(frozen=True)
class Period:
    """A span of days with both ends inclusive (a term covers its end day); `end=None` means
    still running."""

    start: date
    end: date | None

    def overlaps(self, other: "Period") -> bool:
        mine_end = self.end or date.max
        other_end = other.end or date.max
        return self.start <= other_end and other.start <= mine_end


def check_period(
    *, start: date, end: date | None, not_before: date | None, label: str
) -> list[Problem]:
    """A dated entry: ends after it starts and does not start before `not_before` (work start)."""
    problems: list[Problem] = []
    if end is not None and end < start:
        problems.append(Problem("end_date", f"{label}的截止时间早于起始时间"))
    if not_before is not None and start < not_before:
        problems.append(
            Problem("start_date", f"{label}的起始时间早于参加工作时间（{not_before:%Y-%m-%d}）")
        )
    return problems


def find_overlap(
    new: Period, existing: list[Period], *, shared_boundary_ok: bool = False
) -> Period | None:
    """The first existing period overlapping `new` (same cadre, same post: not allowed).

    With `shared_boundary_ok`, periods that only touch (one ends the day the next starts) do not
    count: 简历 lines are written 2002.07—2005.07, 2005.07— and share their boundary month.
    """
    for p in existing:
        if not p.overlaps(new):
            continue
        touching = p.end == new.start or new.end == p.start
        if shared_boundary_ok and touching and p.start != new.start:
            continue
        return p
    return None
