"""Hostile and odd input is answered 400 naming the parameter or field, never a 500: every list endpoint in
every ordering followed through the server's own next links, tampered cursors, out-of-range months, NUL
characters in any text or reference of every write endpoint, and bodies nested 100,000 deep."""

import base64

import pytest
from rest_framework.test import APIClient

from careerhub.api.urls import router
from tests.conftest import fresh_copy, shared_by_module
from tests.factories import SkillFactory, TrackFactory
from tests.world import build_api_world, token_client

pytestmark = pytest.mark.django_db


def build():
    world = build_api_world()
    for n in range(4):  # more rows than a page of 2 in every list, with ties in most orderings
        SkillFactory(slug=f"extra-{n}", name=f"Extra {n}", category=world["category"])
        TrackFactory(slug=f"extra-track-{n}", title=f"Extra track {n}", display_order=n % 2)
    return world


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    yield from shared_by_module(django_db_blocker, build)


@pytest.fixture
def world(shared_world, db):
    return fresh_copy(shared_world)


def _orderings():
    """(list URL, ordering) for every list endpoint and every ordering its FilterSet offers, both ways."""
    cases = []
    for prefix, viewset, _ in router.registry:
        url = f"/api/v1/{prefix}/"
        cases.append((url, ""))
        filterset = getattr(viewset, "filterset_class", None)
        ordering = filterset.base_filters.get("ordering") if filterset is not None else None
        for name in getattr(ordering, "param_map", {}) or {}:
            cases += [(url, name), (url, f"-{name}")]
    return cases


ORDERINGS = _orderings()


def _pages(client: APIClient, url: str) -> list[dict]:
    rows, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        body = response.json()
        rows += body["results"]
        url = body["next"]
        pages += 1
        assert pages < 100, "the next links go round in circles"
    return rows


@pytest.mark.parametrize(("url", "ordering"), ORDERINGS, ids=[f"{u}?ordering={o}" for u, o in ORDERINGS])
def test_every_list_in_every_ordering_follows_its_own_next_links_to_the_same_rows(world, url, ordering):
    client = APIClient()
    query = f"ordering={ordering}&" if ordering else ""
    # when: the list is read two rows at a time, through the next links the server writes
    paged = _pages(client, f"{url}?{query}page_size=2")
    # then: the same rows in the same order as one page holding them all
    whole = client.get(f"{url}?{query}page_size=200")
    assert whole.status_code == 200
    assert paged == whole.json()["results"]
    assert paged or url.endswith("/coverage/")  # every list but coverage has rows in this world


def cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


ANY_ORDER = ["/api/v1/postings/", "/api/v1/demand/", "/api/v1/postings/?ordering=id", "/api/v1/demand/?ordering=-skill"]
TYPED_ORDER = ["/api/v1/postings/", "/api/v1/demand/", "/api/v1/postings/?ordering=id"]  # dates, months, ids
TAMPERED = [
    *((url, tampered) for url in ANY_ORDER for tampered in ("not base64!", "é", cursor("o=-4"), cursor("r=yes"))),
    *((url, cursor("p=2026-01-01\x00")) for url in ANY_ORDER),
    *((url, "cD1ub3RhZGF0ZQ==") for url in TYPED_ORDER),  # p=notadate: the cursor of the finding
    ("/api/v1/postings/?ordering=id", cursor("p=99999999999999999999999999")),  # past a bigint
    ("/api/v1/postings/?ordering=-title", cursor("p=x" * 10)),  # a title's position: any text is one, not a 400
]


@pytest.mark.parametrize(("url", "tampered"), TAMPERED)
def test_a_tampered_cursor_is_400_naming_the_cursor(world, url, tampered):
    separator = "&" if "?" in url else "?"
    response = APIClient().get(f"{url}{separator}cursor={tampered}")
    if url.endswith("-title"):
        assert response.status_code == 200
        return
    assert response.status_code == 400, response.content[:300]
    assert [error["field"] for error in response.json()["errors"]] == ["cursor"]


MONTH_URLS = {
    "/api/v1/postings/": ("from", "to"),
    "/api/v1/demand/": ("from", "to"),
    "/api/v1/demand/top/": ("from", "to"),
    "/api/v1/demand/trends/": ("to",),
    "/api/v1/demand/cooccurrence/": ("from", "to"),
}
BAD_MONTHS = [
    "9999-12", "3000-01", "1999-12", "2026-13", "2026-00", "10000-01", "2026-1",
    "\uff12\uff10\uff12\uff16-\uff10\uff11",  # 2026-01 in full-width digits
]  # fmt: skip


@pytest.mark.parametrize("url", MONTH_URLS)
@pytest.mark.parametrize("month", BAD_MONTHS)
def test_a_month_out_of_range_is_400_naming_the_parameter(world, url, month):
    for parameter in MONTH_URLS[url]:
        response = APIClient().get(url, {parameter: month})
        assert response.status_code == 400, (parameter, response.content[:300])
        assert parameter in [error["field"] for error in response.json()["errors"]]


def test_the_last_month_a_period_may_name_is_answered(world):
    for url, parameters in MONTH_URLS.items():
        for parameter in parameters:
            period = {"from": "2999-12", "to": "2999-12"} if parameter == "from" else {parameter: "2999-12"}
            assert APIClient().get(url, period).status_code == 200, (url, parameter)


def test_the_postings_page_names_a_month_out_of_range_and_ignores_it(world, client):
    response = client.get("/postings/", {"to": "9999-12"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Some filters were ignored" in page and "Last month (YYYY-MM), included: Enter a month" in page


@pytest.mark.parametrize("url", ["/api/v1/postings/", "/api/v1/skills/", "/api/v1/demand/", "/api/v1/tracks/"])
def test_a_nul_character_in_a_parameter_is_400_naming_it(world, url):
    for parameter in ("q", "segment", "category", "ordering", "fields", "page_size", "cursor"):
        response = APIClient().get(url, {parameter: "a\x00b"})
        assert response.status_code == 400, (parameter, response.content[:300])
        assert parameter in [error["field"] for error in response.json()["errors"]]


@pytest.mark.parametrize("url", ["/api/v1/skills/a%00b/", "/api/v1/tracks/%00/", "/api/v1/postings/1%00/"])
def test_a_nul_character_in_a_path_is_not_a_500(world, url):
    response = APIClient().get(url)
    assert response.status_code in {400, 404}
    assert set(response.json()) == {"detail", "errors"}


# --- Writes ---------------------------------------------------------------------------------------------------

NEW_POSTING = {
    "external_id": "new-1",
    "title": "MLOps engineer",
    "employer": "Acme Bank",
    "segment": "finance",
    "posted_on": "2026-10-01",
    "description": "Run Kubernetes for models.",
    "location": "Remote",
    "url": "https://example.com/job",
    "source": "api",
}


def write_endpoints(world) -> list[tuple[str, str, object]]:
    """(method, URL, a body with every field it accepts): every write endpoint of the API."""
    track = {"title": "New track", "slug": "new-track", "level": "senior", "summary": "A track.",
             "segments": ["finance"]}  # fmt: skip
    module = {"track": "platform", "order": 3, "title": "New module", "slug": "new-module", "summary": "S",
              "body": "B", "skills": ["kubernetes"]}  # fmt: skip
    skill = {"name": "Terraform", "slug": "terraform", "category": "orchestration", "type": "tool", "description": "D"}
    posting_change = {"title": "T", "description": "D", "location": "L", "url": "https://example.com",
                      "posted_on": "2026-09-01", "segment": "finance", "employer": "acme",
                      "status": "draft"}  # fmt: skip
    return [
        ("post", "/api/v1/tracks/", track),
        ("patch", "/api/v1/tracks/platform/", track),
        ("post", "/api/v1/modules/", module),
        ("patch", f"/api/v1/modules/{world['module'].pk}/", module),
        ("post", "/api/v1/skills/", skill),
        ("patch", "/api/v1/skills/kubernetes/", skill),
        ("post", "/api/v1/postings/", NEW_POSTING),
        ("patch", f"/api/v1/postings/{world['postings'][0].pk}/", posting_change),
        ("post", "/api/v1/postings/bulk/", [NEW_POSTING]),
    ]


WRITE_IDS = ["track-create", "track-change", "module-create", "module-change", "skill-create", "skill-change",
             "posting-create", "posting-change", "posting-bulk"]  # fmt: skip
EDITOR = ("add_track", "change_track", "add_module", "change_module", "add_skill", "change_skill", "add_posting",
          "change_posting")  # fmt: skip


def poisoned(value):
    """The value with a NUL character in its text (in each item of a list)."""
    if isinstance(value, list):
        return [f"{item}\x00" for item in value]
    return f"{value}\x00"


@pytest.mark.parametrize("index", range(len(WRITE_IDS)), ids=WRITE_IDS)
def test_a_nul_character_in_any_field_of_any_write_is_400_naming_the_field(world, index):
    method, url, body = write_endpoints(world)[index]
    editor = token_client(*EDITOR)
    item = body[0] if isinstance(body, list) else body
    for field in item:
        changed = item | {field: poisoned(item[field])}
        sent = [changed] if isinstance(body, list) else changed
        response = getattr(editor, method)(url, sent, format="json")
        assert response.status_code == 400, (field, response.content[:300])
        assert field in [error["field"] for error in response.json()["errors"]], (field, response.json())
    key = getattr(editor, method)(url, [{"ti\x00tle": "x"}] if isinstance(body, list) else {"ti\x00tle": "x"},
                                  format="json")  # fmt: skip
    assert key.status_code == 400


def test_the_skill_reported_with_a_nul_category_is_refused_naming_it(world):
    response = token_client("add_skill").post("/api/v1/skills/", {"name": "x", "category": "\u0000"}, format="json")
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["category"]


DEEP = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"title": ' + "[" * 40 + '"x"' + "]" * 40 + "}"  # past the limit, within Python's own


@pytest.mark.parametrize("index", range(len(WRITE_IDS)), ids=WRITE_IDS)
@pytest.mark.parametrize("payload", [DEEP, DEEP_OBJECT, "{" * 50_000], ids=["list", "object", "unclosed"])
def test_a_body_nested_deeper_than_any_write_needs_is_400(world, index, payload):
    method, url, _ = write_endpoints(world)[index]
    response = getattr(token_client(*EDITOR), method)(url, data=payload, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert set(response.json()) == {"detail", "errors"}
