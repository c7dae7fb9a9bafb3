"""干部任免审批表 (appointment_form): data assembly, the section hook, HTML / PDF / .docx renderers.

Other apps fill the sections the cadres app does not own through `register_form_section`; the
renderers are imported from their modules (`.pdf`, `.word`) so that WeasyPrint and python-docx
load only where a form is actually rendered.
"""

from .data import (
    EducationCell,
    FamilyRow,
    FormData,
    ResumeLine,
    build,
    build_many,
    visible_ids,
)
from .sections import SECTION_KEYS, register_form_section, section_text, unregister_form_section

__all__ = [
    "SECTION_KEYS",
    "EducationCell",
    "FamilyRow",
    "FormData",
    "ResumeLine",
    "build",
    "build_many",
    "register_form_section",
    "section_text",
    "unregister_form_section",
    "visible_ids",
]
