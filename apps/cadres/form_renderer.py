"""Renderer processes of the 任免审批表 batch (apps/cadres/tasks_forms.py).

Spawned processes import this module before Django is set up, so it imports nothing of Django
or the apps at module level: `setup` runs first in each process, then `render_chunk` receives
plain form data and returns the chunk's PDF (no database access).
"""

from typing import Any


def setup() -> None:
    import django

    django.setup()


def render_chunk(forms: list[Any]) -> bytes:
    from apps.cadres.appointment_form.pdf import render_pdf

    return render_pdf(forms)
