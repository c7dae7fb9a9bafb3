"""HTML of the 任免审批表: the sheets of one form, the printable page and the PDF's document."""

import base64
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from .data import FormData
from .layout import layout

CSS_PATH = Path(__file__).resolve().parent.parent / "static" / "cadres" / "appointment_form.css"


@cache
def stylesheet() -> str:
    """The form's CSS (also served as static/cadres/appointment_form.css for the page)."""
    return CSS_PATH.read_text(encoding="utf-8")


def photo_src(form: FormData) -> str:
    """The photo as a data: URI (no fetch: the PDF renderer loads nothing from outside)."""
    if not form.photo:
        return ""
    return f"data:{form.photo_type};base64,{base64.b64encode(form.photo).decode('ascii')}"


def sheet_context(form: FormData) -> dict[str, Any]:
    lay = layout(form)
    return {
        "form": form,
        "lay": lay,
        "photo_src": photo_src(form),
        "padding": range(lay.family_padding),
        "family_rows": len(form.family) + lay.family_padding + 1,
    }


def render_sheets(form: FormData) -> SafeString:
    """The form's pages (page 1, 简历 continuations, page 2) as HTML sections (autoescaped)."""
    return SafeString(render_to_string("cadres/_appointment_form.html", sheet_context(form)))


def render_document(forms: Sequence[FormData], *, notice: Sequence[str] = ()) -> str:
    """A standalone HTML document of one or more forms (the PDF renderer's input)."""
    title = "干部任免审批表" + (f"（{forms[0].name}）" if len(forms) == 1 else "")
    return render_to_string(
        "cadres/appointment_form_print.html",
        {"title": title, "sheets": [render_sheets(f) for f in forms], "notice": list(notice)},
    )
