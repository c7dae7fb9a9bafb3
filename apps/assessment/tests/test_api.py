"""Assessment API: a unit's annual sheet opened, graded over the quota (refused on submit), fixed
and submitted; a sanction cap refusing 优秀; the cadre's results text; scope."""

import json
from datetime import date

import pytest

from apps.assessment.constants import SheetStatus
from apps.assessment.models import AnnualAssessment, AnnualSheet
from apps.cadres.tests.factories import CadreFactory
from apps.tolerance.constants import SanctionKind, SanctionType
from apps.tolerance.tests.factories import SanctionFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/assessment"


def send(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def unit_of_five(city):
    return [CadreFactory(unit=city.county_a_dept) for _ in range(5)]


def test_quota_blocks_submission_until_fixed(client, officer_a, city, unit_of_five):
    client.force_login(officer_a)
    opened = send(
        client, "post", f"{API}/annual/sheets", {"unit": city.county_a_dept.pk, "year": 2025}
    )
    assert opened.status_code == 201, opened.content
    sheet = opened.json()
    assert sheet["participants"] == 5 and sheet["excellent_quota"] == 1  # 5 × 20% = 1
    rows = [
        {"assessment": r["id"], "grade": "excellent" if i < 2 else "competent"}
        for i, r in enumerate(sheet["rows"])
    ]
    saved = send(
        client,
        "put",
        f"{API}/annual/sheets/{sheet['id']}/grades",
        {"version": sheet["version"], "rows": rows},
    )
    assert saved.status_code == 200, saved.content
    over = send(
        client,
        "post",
        f"{API}/annual/sheets/{sheet['id']}/submit",
        {"version": saved.json()["version"]},
    )
    assert over.status_code == 400 and "超过名额" in over.content.decode()
    rows[1]["grade"] = "competent"
    fixed = send(
        client,
        "put",
        f"{API}/annual/sheets/{sheet['id']}/grades",
        {"version": saved.json()["version"], "rows": rows},
    )
    done = send(
        client,
        "post",
        f"{API}/annual/sheets/{sheet['id']}/submit",
        {"version": fixed.json()["version"]},
    )
    assert done.status_code == 200 and done.json()["status"] == SheetStatus.SUBMITTED
    cadre_id = sheet["rows"][0]["cadre_id"]
    results = client.get(f"{API}/cadres/{cadre_id}/annual").json()
    assert results["grades"] == {"2025": "excellent"} and "2025年度优秀" in results["text"]


def test_a_warning_year_cannot_be_excellent(client, officer_a, city):
    cadre = CadreFactory(unit=city.county_a_dept)
    SanctionFactory(
        cadre=cadre,
        kind=SanctionKind.ADMINISTRATIVE,
        type=SanctionType.ADMIN_WARNING,
        decision_date=date(2025, 3, 1),
        effective_date=date(2025, 3, 1),
        influence_until=date(2025, 8, 31),
    )
    client.force_login(officer_a)
    sheet = send(
        client, "post", f"{API}/annual/sheets", {"unit": city.county_a_dept.pk, "year": 2025}
    ).json()
    row = sheet["rows"][0]
    refused = send(
        client,
        "put",
        f"{API}/annual/sheets/{sheet['id']}/grades",
        {"version": sheet["version"], "rows": [{"assessment": row["id"], "grade": "excellent"}]},
    )
    assert refused.status_code == 400 and "不得确定为优秀" in refused.content.decode()
    assert AnnualAssessment.objects.get(pk=row["id"]).grade == ""


def test_other_county_cannot_see_or_open(client, city, unit_of_five):
    from apps.accounts.models import ManagedBy
    from apps.accounts.tests.factories import UserFactory, grant

    officer_b = UserFactory(username="officer_b")
    grant(officer_b, city.county_b, levels=[ManagedBy.COUNTY])
    client.force_login(officer_b)
    opened = send(
        client, "post", f"{API}/annual/sheets", {"unit": city.county_a_dept.pk, "year": 2025}
    )
    assert opened.status_code == 404
    assert not AnnualSheet.objects.exists()
    assert client.get(f"{API}/cadres/{unit_of_five[0].pk}/annual").status_code == 404
