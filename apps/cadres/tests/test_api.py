from apps.cadres.tests.factories import CadreFactory


def test_smoke(client, city, officer_a):
    c = CadreFactory(unit=city.county_a_dept)
    CadreFactory(unit=city.county_b_dept)
    client.force_login(officer_a)
    r = client.get(
        "/api/v1/cadres/", {"page_size": 5, "tier": ["division_deputy", "section_deputy"]}
    )
    print(r.status_code, r.content.decode()[:800])
    r = client.get(f"/api/v1/cadres/{c.pk}")
    print(r.status_code, r.content.decode()[:1500])
    r = client.get(
        "/api/v1/cadres/",
        {"page_size": 500, "sort": "x", "gender": "y", "unit": "abc", "tier": "bad"},
    )
    print(r.status_code, r.content.decode())
    r = client.post(
        "/api/v1/cadres/",
        {
            "name": "",
            "gender": "m",
            "birth_date": "2023-02-30",
            "unit": 99999,
            "extra": 1,
            "work_start_date": 5,
        },
        content_type="application/json",
    )
    print(r.status_code, r.content.decode())
    r = client.post("/api/v1/cadres/", "{bad", content_type="application/json")
    print(r.status_code, r.content.decode())
    r = client.post("/api/v1/cadres/", "", content_type="application/json")
    print(r.status_code, r.content.decode())
    r = client.get("/api/v1/cadres/abc")
    print(r.status_code, r.content.decode())
    client.logout()
    r = client.get("/api/v1/cadres/")
    print(r.status_code, r.content.decode(), r.headers)
    r = client.get("/api/v1/openapi.json")
    print(r.status_code, r.content.decode()[:300])
    client.force_login(officer_a)
    r = client.get("/api/v1/openapi.json")
    print(r.status_code, r.content.decode()[:300])
    r = client.get("/api/v1/docs")
    print(r.status_code, r.content.decode()[:300])
