"""Content-Security-Policy and Permissions-Policy on pages, the API and the admin; no template needs an inline
script or style (the browser tests, tests/browser/, check that no page breaks the policy at run time)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db
TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.mark.parametrize("path", ["/", "/segments/", "/api/v1/segments/", "/admin/login/", "/api/v1/docs/", "/healthz"])
def test_every_answer_carries_the_strict_policies(client, path):
    # when
    answer = client.get(path)

    # then scripts and styles come only from our own files, nothing inline, no framing, no plugins
    policy = dict(part.strip().split(" ", 1) for part in answer["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'none'"
    assert "unsafe" not in answer["Content-Security-Policy"]
    # and the powerful features the site never uses are off
    features = answer["Permissions-Policy"]
    assert all(f"{feature}=()" in features for feature in ("camera", "microphone", "geolocation", "payment", "usb"))


def test_no_template_holds_an_inline_script_or_style():
    # given every template of ours (Django's admin templates hold none that our admin uses: see test_policy.py)
    found = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        inline_scripts = [tag for tag in re.findall(r"<script\b[^>]*>", text) if "src=" not in tag]
        if inline_scripts or re.search(r"<style\b|\sstyle=|\son[a-z]+=", text):
            found.append(str(template.relative_to(TEMPLATES)))

    # then none
    assert found == []
