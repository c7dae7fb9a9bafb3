"""Page layout of the 任免审批表: what fits in each fixed cell and where the 简历 breaks.

The form's cells have fixed sizes (appointment_form.css, in mm; keep the numbers here in step).
Text that does not fit a cell at 12pt is set smaller (10.5pt, then 9pt), as the form tools do; the
简历 fills the rest of page 1 and its overflow goes to continuation pages "简历（续）", so a long
resume is never cut off. Widths are estimated conservatively: a CJK character is one unit, Latin
letters and digits 0.55.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .data import FormData, ResumeLine

PT_MM = 25.4 / 72  # one point in mm
FONT_PT = 12.0  # 小四
LINE_HEIGHT = 1.4
LINE_MM = FONT_PT * PT_MM * LINE_HEIGHT  # ≈ 5.93 mm
CELL_PAD_MM = 3.0  # left + right padding of a cell
SIZES = (("", 1.0), ("fs-s", 10.5 / FONT_PT), ("fs-xs", 9.0 / FONT_PT))

# Columns of page 1 (mm), as in the template's <colgroup>: 21 24 19 24 21 25 36 = 170.
COLS = (21, 24, 19, 24, 21, 25, 36)
RESUME_TEXT_MM = sum(COLS[1:]) - CELL_PAD_MM - 9 * FONT_PT * PT_MM  # after the 9em period
RESUME_UNITS = math.floor(RESUME_TEXT_MM / (FONT_PT * PT_MM)) - 1  # one unit spare per line
# Lines of 简历 on page 1 and on a continuation page: cell heights 125 mm and 246 mm less padding
# and borders hold 20 and 40 lines of 5.93 mm; one line is kept spare.
RESUME_LINES_FIRST = 19
RESUME_LINES_NEXT = 39
FAMILY_MIN_ROWS = 7


def text_units(text: str) -> float:
    """Width of `text` in CJK character widths."""
    return sum(0.55 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def visual_lines(text: str, units_per_line: float) -> int:
    """Printed lines of `text` in a cell `units_per_line` wide (explicit breaks kept)."""
    return sum(max(1, math.ceil(text_units(part) / units_per_line)) for part in text.split("\n"))


@dataclass(frozen=True)
class Fit:
    css: str  # "" / "fs-s" / "fs-xs"
    extra_mm: float  # height beyond the cell's fixed height, even at the smallest size


def fit(text: str, width_mm: float, height_mm: float) -> Fit:
    """The largest font size at which `text` fits the cell, or the smallest and its overflow."""
    needed = 0.0
    for css, scale in SIZES:
        # Whole characters per line: a CJK line never holds a fraction of one.
        units = math.floor((width_mm - CELL_PAD_MM) / (FONT_PT * scale * PT_MM))
        needed = visual_lines(text, units) * LINE_MM * scale + 1.5  # padding, borders
        if needed <= height_mm:
            return Fit(css, 0.0)
    return Fit(SIZES[-1][0], needed - height_mm)


def span(first: int, last: int) -> float:
    """Width of columns first..last (1-based, inclusive) of page 1."""
    return float(sum(COLS[first - 1 : last]))


# Page 1's value cells: (attribute, width, row height, row key). Row heights follow the CSS.
ROW_MM = {
    "r1": 13.5,
    "r2": 13.5,
    "r3": 13.5,
    "r4": 15.0,
    "e1": 15.0,
    "e2": 15.0,
    "p1": 12.0,
    "p2": 12.0,
    "p3": 12.0,
}


def _page1_cells(form: FormData) -> list[tuple[str, str, float, str]]:
    return [
        ("name", form.name, span(2, 2), "r1"),
        ("gender", form.gender, span(4, 4), "r1"),
        ("birth_and_age", form.birth_and_age, span(6, 6), "r1"),
        ("ethnicity", form.ethnicity, span(2, 2), "r2"),
        ("native_place", form.native_place, span(4, 4), "r2"),
        ("birthplace", form.birthplace, span(6, 6), "r2"),
        ("party_join", form.party_join, span(2, 2), "r3"),
        ("work_start", form.work_start, span(4, 4), "r3"),
        ("health", form.health, span(6, 6), "r3"),
        ("professional_title", form.professional_title, span(2, 3), "r4"),
        ("expertise", form.expertise, span(5, 6), "r4"),
        ("full_time_degree", form.full_time.degree, span(3, 4), "e1"),
        ("full_time_school", form.full_time.school_major, span(6, 7), "e1"),
        ("in_service_degree", form.in_service.degree, span(3, 4), "e2"),
        ("in_service_school", form.in_service.school_major, span(6, 7), "e2"),
        ("current_post", form.current_post, span(2, 7), "p1"),
        ("proposed_post", form.proposed_post, span(2, 7), "p2"),
        ("proposed_removal", form.proposed_removal, span(2, 7), "p3"),
    ]


def split_resume(
    lines: Sequence[ResumeLine], first_budget: int, next_budget: int
) -> list[list[ResumeLine]]:
    """Resume lines per page: as many as fit on page 1, then on each continuation page. A line
    that wraps counts as its printed lines; a page always takes at least one entry."""
    pages: list[list[ResumeLine]] = [[]]
    room = first_budget
    for line in lines:
        height = visual_lines(line.text, RESUME_UNITS)
        if height > room and pages[-1]:
            pages.append([])
            room = next_budget
        pages[-1].append(line)
        room -= height
    return pages


@dataclass(frozen=True)
class Layout:
    """How one form is laid out: font classes of fixed cells and the resume's pages."""

    css: dict[str, str]  # cell attribute -> font size class
    resume_pages: list[list[ResumeLine]]  # [page 1 lines, continuation 1, …]
    family_padding: int  # blank family rows to draw under the members

    @property
    def resume_first(self) -> list[ResumeLine]:
        return self.resume_pages[0]

    @property
    def resume_more(self) -> list[list[ResumeLine]]:
        return self.resume_pages[1:]


def layout(form: FormData) -> Layout:
    css: dict[str, str] = {}
    growth: dict[str, float] = {}
    for attr, text, width, row in _page1_cells(form):
        result = fit(text, width, ROW_MM[row])
        css[attr] = result.css
        growth[row] = max(growth.get(row, 0.0), result.extra_mm)
    lost = math.ceil(sum(growth.values()) / LINE_MM)
    first = max(RESUME_LINES_FIRST - lost, 3)
    return Layout(
        css=css,
        resume_pages=split_resume(form.resume, first, RESUME_LINES_NEXT),
        family_padding=max(0, FAMILY_MIN_ROWS - len(form.family)),
    )
