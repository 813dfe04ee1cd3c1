"""A write method on the API: 405 where the endpoint never answers it, for everyone and as the schema says;
401 and 403 only for methods it does answer."""

import re

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory, make_editor

pytestmark = pytest.mark.django_db
WRITES = ("post", "put", "patch", "delete")


def test_write_methods_answer_405_exactly_where_the_schema_has_no_such_operation():
    # given every path of the schema, its parameters filled in, and three callers of growing rights
    schema = APIClient().get("/api/v1/schema/?format=json").json()
    user, editor = APIClient(), APIClient()
    user.force_authenticate(UserFactory())
    editor.force_authenticate(make_editor())
    callers = {"anonymous": APIClient(), "user": user, "editor": editor}

    # when each caller sends each write method to each path
    wrong = []
    for template, operations in schema["paths"].items():
        path = re.sub(r"\{[^}]+\}", "no-such-thing", template)
        for method in WRITES:
            documented = method in operations
            public = documented and {} in operations[method].get("security", [])  # e.g. the readiness POST
            for name, client in callers.items():
                status = getattr(client, method)(path, {}, format="json").status_code
                # then a method the schema lacks is a 405 for everyone; a documented write is refused by
                # credentials (401 for the public, 403 for a user without the permission), never 405
                expected = {405} if not documented else {401} if name == "anonymous" and not public else None
                if name == "user" and documented and not public:
                    expected = {403}
                if expected is not None and status not in expected:
                    wrong.append(f"{name} {method.upper()} {template}: {status}, expected {sorted(expected)}")
                if documented and status == 405:
                    wrong.append(f"{name} {method.upper()} {template}: 405 for a documented operation")
    assert wrong == []


def test_a_405_names_the_methods_answered_in_the_api_error_format():
    # when an editor posts to a read-only endpoint
    editor = APIClient()
    editor.force_authenticate(make_editor())
    answer = editor.post("/api/v1/demand/", {}, format="json")

    # then
    assert answer.status_code == 405
    assert answer.json()["detail"] == 'Method "POST" not allowed.'
    assert set(answer["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}
