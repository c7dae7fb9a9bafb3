"""Interchange API: the 任免审批表 (PDF, .docx) and LRMX of one cadre, scoped and audited."""

from io import BytesIO

import pytest
from docx import Document
from pypdf import PdfReader

from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres.tests.factories import CadreFactory
from apps.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadre(city):
    return CadreFactory(name="王建设", unit=city.county_a_dept)


def test_form_pdf_and_docx(client, officer_a, cadre):
    client.force_login(officer_a)
    pdf = client.get(f"/api/v1/cadres/{cadre.pk}/appointment-form.pdf?on=2026-11-25")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    assert "王建设" in text.replace(" ", "")
    docx = client.get(f"/api/v1/cadres/{cadre.pk}/appointment-form.docx")
    body = "\n".join(
        c.text for t in Document(BytesIO(docx.content)).tables for r in t.rows for c in r.cells
    )
    assert "王建设" in body
    assert AuditEvent.objects.filter(action="cadre.appointment_form").count() == 2


def test_lrmx_for_officers_only_and_in_scope(client, officer_a, leader_a, city, cadre):
    client.force_login(officer_a)
    response = client.get(f"/api/v1/cadres/{cadre.pk}/lrmx")
    assert (
        response.status_code == 200 and "<XingMing>王建设</XingMing>" in response.content.decode()
    )
    client.force_login(leader_a)
    assert client.get(f"/api/v1/cadres/{cadre.pk}/lrmx").status_code == 403
    other = UserFactory(username="officer_b")
    grant(other, city.county_b, levels=[ManagedBy.COUNTY])
    client.force_login(other)
    for url in ("lrmx", "appointment-form.pdf", "appointment-form.docx"):
        assert client.get(f"/api/v1/cadres/{cadre.pk}/{url}").status_code == 404
