"""A password an administrator chose (a new account, a reset) must be changed before anything
else: every page leads to 修改密码 until the user has chosen their own."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts import services_admin as svc
from apps.accounts.models import Role, User
from apps.accounts.tests.factories import PASSWORD, UserFactory
from apps.cadres.tests.factories import CadreFactory
from conftest import City

pytestmark = pytest.mark.django_db

CHANGE_URL = reverse("accounts:password_change")
CHOSEN = "Xin-Mima#2026"


def log_in(client: Client, username: str, password: str) -> None:
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code == 302


def test_a_reset_password_must_be_changed_first(client: Client, city: City, officer_a: User):
    cadre = CadreFactory(unit=city.county_a_dept)
    sysadmin = UserFactory(role=Role.SYSADMIN)
    svc.user_reset_password(actor=sysadmin, user_id=officer_a.pk, password="Chong-Zhi#2026")
    log_in(client, officer_a.username, "Chong-Zhi#2026")

    for url in ("/", reverse("cadres:cadre_list"), reverse("cadres:cadre_detail", args=[cadre.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url == CHANGE_URL, url
    htmx = client.get(reverse("cadres:cadre_list"), headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == CHANGE_URL
    page = client.get(CHANGE_URL)
    assert page.status_code == 200 and "请先修改为只有您本人知道的密码" in page.content.decode()

    data = {"old_password": "Chong-Zhi#2026", "new_password1": CHOSEN, "new_password2": CHOSEN}
    assert client.post(CHANGE_URL, data).status_code == 302
    officer_a.refresh_from_db()
    assert not officer_a.must_change_password and officer_a.password_changed_at is not None
    assert client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).status_code == 200


def test_a_new_account_must_change_its_initial_password(client: Client, city: City):
    sysadmin = UserFactory(role=Role.SYSADMIN)
    user = svc.user_create(
        actor=sysadmin, username="lisi", full_name="李四", password="Chu-Shi#2026", unit=None
    )
    assert user.must_change_password
    log_in(client, "lisi", "Chu-Shi#2026")
    assert client.get("/").url == CHANGE_URL
    logout = client.post(reverse("accounts:logout"))  # never trapped
    assert logout.status_code == 302 and logout.url != CHANGE_URL
    assert client.get("/").url.startswith(reverse("accounts:login"))


def test_users_who_chose_their_password_are_left_alone(client: Client, officer_a: User):
    log_in(client, officer_a.username, PASSWORD)
    assert client.get("/").status_code == 200
