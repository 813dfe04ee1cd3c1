"""The readiness API: its answers, its refusals (each naming the field, never quoting the text), the request limit
it shares with the page, and its place in the OpenAPI schema (real answers validated against it)."""

import json
import uuid

import jsonschema
import pytest
from django.core.cache.backends.locmem import LocMemCache
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.world import build_readiness_world

pytestmark = pytest.mark.django_db

READINESS, ANALYZE = "/api/v1/readiness/", "/api/v1/postings/analyze/"


@pytest.fixture
def world():
    return build_readiness_world()


def post(url, body, **extra):
    return APIClient().post(url, body, format="json", **extra)


def test_the_answer_gives_each_segment_its_figures_and_plan(world):
    response = post(READINESS, {"skills": ["python", "cobol"], "text": "Terraform at scale."})

    assert response.status_code == 200
    data = response.json()
    assert [(s["slug"], s["source"]) for s in data["skills"]["known"]] == [("python", "ticked"), ("terraform", "text")]
    assert data["skills"]["found"] == [
        {"slug": "terraform", "name": "Terraform", "category": "platform-skills", "words": ["Terraform"], "mentions": 1}
    ]
    assert data["skills"]["unknown"] == ["cobol"]
    segments = {item["segment"]["slug"]: item for item in data["segments"]}
    assert list(segments) == ["finance", "health", "flat", "tiny"]
    finance = segments["finance"]
    assert finance["readiness"] == pytest.approx(1 / 3)
    assert (finance["known_weight"], finance["core_weight"]) == (40, 120)
    assert [row["slug"] for row in finance["missing"]] == ["kubernetes", "mlflow", "sox"]
    assert finance["missing"][0] | {"share": round(finance["missing"][0]["share"], 3)} == {
        "slug": "kubernetes", "name": "Kubernetes", "category": "platform-skills", "postings": 30, "total": 80,
        "share": 0.375, "direction": "rising", "change": 25.0, "tiers": ["core", "rising"],
    }
    assert segments["tiny"] | {"segment": None} == {
        "segment": None, "postings": 10, "enough": False, "basis": "too few postings", "readiness": None,
        "known_weight": 0, "core_weight": 0, "known": [], "missing": [], "strengths": [],
    }
    # the plan is the target's: Flat, the segment they are readiest for (Airflow, taught by Orchestration)
    assert data["target"] == "flat" and data["window"]["label"] == "12 months to October 2026"
    assert data["plan"]["segment"] == "flat" and data["plan"]["untaught"] == []
    assert [[m["ref"] for m in group["modules"]] for group in data["plan"]["tracks"]] == [
        ["foundations/containers"], ["platform/orchestration"],
    ]


def test_the_plan_for_a_chosen_segment(world):
    data = post(READINESS, {"skills": ["python", "terraform"], "segment": "finance"}).json()
    plan = data["plan"]

    assert plan["segment"] == "finance" and plan["start"] == {"slug": "foundations", "title": "Foundations"}
    assert [[m["ref"] for m in group["modules"]] for group in plan["tracks"]] == [
        ["foundations/containers", "foundations/compliance"], ["platform/tracking"],
    ]
    assert plan["tracks"][0]["modules"][0] == {
        "ref": "foundations/containers", "title": "Containers", "url": "/tracks/foundations/modules/containers/",
        "hours": 12.0, "teaches": ["kubernetes"], "needed_by": ["platform/tracking"],
    }
    assert (plan["hours"], plan["unestimated"]) == (20.0, 1)
    assert post(READINESS, {"skills": ["python"], "segment": "tiny"}).json()["plan"] is None


def test_a_chosen_segment_is_answered_alone(world):
    data = post(READINESS, {"skills": ["kubernetes"], "segment": "health", "done": ["platform/orchestration"]}).json()
    assert [item["segment"]["slug"] for item in data["segments"]] == ["health"] and data["target"] == "health"
    assert data["segments"][0]["readiness"] == 1.0
    assert {s["slug"]: s["source"] for s in data["skills"]["known"]} == {"airflow": "module", "kubernetes": "ticked"}


def test_a_job_ad_is_analysed(world):
    response = post(ANALYZE, {"text": "Python, k8s and SOX.", "skills": ["python"]})

    assert response.status_code == 200
    data = response.json()
    assert [(s["slug"], s["words"], s["learner_has"]) for s in data["skills"]] == [
        ("python", ["Python"], True), ("kubernetes", ["k8s"], False), ("sox", ["SOX"], False),
    ]
    assert [m["ref"] for m in data["skills"][1]["taught_in"]] == ["foundations/containers", "platform/orchestration"]
    assert data["closest"]["segment"]["slug"] == "finance" and data["closest"]["shared"] == 3
    assert [item["segment"]["slug"] for item in data["segments"]] == ["finance", "health", "flat"]
    assert data["too_few_postings"] == [{"slug": "tiny", "name": "Tiny"}]
    assert data["missing"] == ["kubernetes", "sox"] and data["untaught"] == []
    # without the learner's skills, nothing is said about what they miss
    alone = post(ANALYZE, {"text": "Python."}).json()
    assert alone["missing"] is None and alone["skills"][0]["learner_has"] is None


MARKER = "Zq7-unique-marker"


@pytest.mark.parametrize(
    ("url", "body", "field", "message"),
    [
        (READINESS, {"text": "x" * 60 * 1024 + MARKER}, "text",
         "The text is too long: at most 50 KB (51,200 bytes), and it has 61,457 bytes."),
        # refused by the API's one NUL rule for every write, before the readiness service reads it
        (READINESS, {"text": f"{MARKER}\x00\x00"}, "text", "NUL characters are not allowed."),
        (READINESS, {"text": MARKER + "\ufffd\x01\x02\x03" * 20}, "text", "The text looks like binary data"),
        (READINESS, {"skills": [f"skill-{n}" for n in range(10_000)]}, "skills",
         "Too many skills: at most 300, and 10,000 were sent."),
        (READINESS, {"done": ["a/b"] * 201}, "done", "Too many modules marked done: at most 200, and 201 were sent."),
        (READINESS, {"skills": ["python"], "segment": "hidden"}, "segment", "No published segment has that slug"),
        (READINESS, {"text": "   "}, "-", "Send skills, a text or modules done"),
        (READINESS, {"skills": ["python"], "txt": MARKER}, "txt", "This field cannot be set here."),
        (READINESS, {"text": ["not", "text"]}, "text", "Not a valid string."),
        (ANALYZE, {"text": ""}, "text", "Paste the text of a job ad."),
        (ANALYZE, {"text": "é" * 26_000 + MARKER}, "text", "The text is too long"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_never_quoting_the_text(world, url, body, field, message):
    response = post(url, body)

    assert response.status_code == 400
    data = response.json()
    assert set(data) == {"detail", "errors"}
    assert any(error["field"] == field and error["message"].startswith(message) for error in data["errors"]), data
    assert MARKER not in response.content.decode()


def test_bodies_that_are_not_text_get_a_clear_refusal(world):
    client = APIClient()
    # invalid UTF-8 in the JSON body
    broken = client.post(READINESS, b'{"text": "abc \xff\xfe def"}', content_type="application/json")
    assert broken.status_code == 400 and "utf-8" in broken.json()["detail"].lower()
    # an unpaired surrogate, escaped in valid JSON
    surrogate = client.post(READINESS, b'{"text": "abc \\ud800 def"}', content_type="application/json")
    assert surrogate.status_code == 400
    assert surrogate.json()["errors"][0]["message"].startswith("The text is not valid Unicode")
    # a body too large to be read at all
    huge = client.post(READINESS, json.dumps({"text": "a" * 500_000}), content_type="application/json")
    assert huge.status_code == 413 and huge.json()["detail"] == "The body is too large: at most 400 KB."
    # reads are not answers
    assert client.get(READINESS).status_code == 405


@pytest.fixture
def limited(settings, monkeypatch):
    """Readiness limited to 2 answers a minute per address, counted in a cache of its own."""
    from careerhub.core.api.throttles import CountingThrottle

    monkeypatch.setattr(CountingThrottle, "cache", LocMemCache(f"throttle-{uuid.uuid4()}", {}), raising=False)
    settings.CAREERHUB_API_THROTTLE_RATES = {"anon": None, "user": None, "readiness": "2/minute"}


def test_the_page_and_the_api_share_one_limit_per_address(world, client, limited):
    address = {"REMOTE_ADDR": "198.51.100.9"}
    assert client.post("/readiness/", {"text": "Python."}, **address).status_code == 200
    assert post(READINESS, {"text": "Python."}, **address).status_code == 200

    # the third answer from the same address, page or API, is refused until the minute ends
    page = client.post("/readiness/", {"text": "Python."}, **address)
    assert page.status_code == 429 and int(page["Retry-After"]) > 0
    assert "Too many answers for your address" in page.content.decode()
    assert 'name="skills" value="python"' in page.content.decode()  # the form is still there to try again
    api = post(ANALYZE, {"text": "Python."}, **address)
    assert api.status_code == 429 and set(api.json()) == {"detail", "errors"} and int(api["Retry-After"]) > 0
    # another address is answered; reading an answer's address (GET) is not limited
    assert post(READINESS, {"text": "Python."}, REMOTE_ADDR="198.51.100.10").status_code == 200
    assert client.get("/readiness/?skills=python", **address).status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "x" * 60 * 1024 + MARKER}, "The text is too long: at most 50 KB (51,200 bytes)"),
        ({"text": MARKER + "\x00"}, "The text contains NUL characters"),
        ({"text": MARKER + "\ufffd\x07" * 40}, "The text looks like binary data"),
        ({"skills": ",".join(f"s{n}" for n in range(10_000))}, "Too many skills: at most 300, and 10,000 were sent."),
        ({"skills": [f"s{n}" for n in range(10_000)]}, "Too many values were sent at once"),
    ],
)
def test_the_page_refuses_bad_input_with_a_clear_message_and_without_the_text(world, client, data, message):
    response = client.post("/readiness/", data)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'role="alert"' in html
    assert MARKER not in html and "no-store" in response["Cache-Control"]


def test_too_many_skills_in_the_address_are_refused_on_the_page(world, client):
    response = client.get("/readiness/?skills=" + ",".join(f"s{n}" for n in range(10_000)))
    assert response.status_code == 400
    assert "Skills: Too many skills: at most 300, and 10,000 were sent." in response.content.decode()


def openapi_to_json_schema(node):
    """OpenAPI 3.0 schema objects as JSON Schema: ``nullable`` becomes a union with null."""
    if isinstance(node, list):
        return [openapi_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: openapi_to_json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def test_both_answers_are_in_the_schema_with_examples_and_real_answers_conform(world):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    for path, component in ((READINESS, "ReadinessAnswer"), (ANALYZE, "JobAdAnswer")):
        operation = paths[path]["post"]
        assert set(paths[path]) == {"post"}
        assert operation["tags"] == ["readiness"]
        assert {} in operation["security"]  # anonymous clients may call it
        assert operation["requestBody"]["content"]["application/json"]["examples"]
        ok = operation["responses"]["200"]["content"]["application/json"]
        assert ok["schema"] == {"$ref": f"#/components/schemas/{component}"} and ok["examples"]
        assert {"400", "413", "429"} <= set(operation["responses"])
    components = openapi_to_json_schema(schema["components"])

    def conforms(data, name):
        jsonschema.validate(data, {"$ref": f"#/components/schemas/{name}", "components": components})

    conforms(post(READINESS, {"skills": ["python"], "text": "k8s", "done": ["foundations/compliance"]}).json(),
             "ReadinessAnswer")
    conforms(post(ANALYZE, {"text": "Python, k8s, Terraform.", "skills": ["python"]}).json(), "JobAdAnswer")
    conforms(post(ANALYZE, {"text": "Nothing known."}).json(), "JobAdAnswer")
    # and the examples in the schema are answers too
    for path, name in ((READINESS, "ReadinessAnswer"), (ANALYZE, "JobAdAnswer")):
        for example in paths[path]["post"]["responses"]["200"]["content"]["application/json"]["examples"].values():
            conforms(example["value"], name)
    # a wrong answer would not conform
    with pytest.raises(jsonschema.ValidationError):
        conforms({"window": {}, "segments": "none"}, "ReadinessAnswer")
