"""Editors' Markdown becomes safe HTML: what CommonMark means renders, nothing executable survives."""

from html.parser import HTMLParser

import pytest
from django.utils.safestring import SafeString

from careerhub.core.markdown import ALLOWED_TAGS, render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "[ref][x]\n\n[x]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    '<div onmouseover="alert(1)">hover</div>',
    "<style>body{display:none}</style>",
    "<iframe src=https://evil.example></iframe>",
    '<svg onload="alert(1)"><circle/></svg>',
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!-- <script>alert(1)</script> -->",
    '<details open ontoggle="alert(1)">x</details>',
    "| a |\n|---|\n| <script>alert(1)</script> |",
    "> <img src=x onerror=alert(1)>",
    "- <a href=javascript:alert(1)>x</a>",
    "`<script>` and\n\n```\n<script>alert(1)</script>\n```",
    '[x](https://example.org/" onclick="alert(1))',
    '[x](https://example.org/ "title\\" onclick=\\"alert(1)")',
]


class Elements(HTMLParser):
    """The elements a browser would build from the HTML: (tag, {attribute: value})."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("text", HOSTILE)
def test_nothing_executable_survives(text):
    html = str(render_markdown(text))
    elements = Elements(html).found
    assert {tag for tag, _ in elements} <= ALLOWED_TAGS, html
    for _tag, attributes in elements:
        assert set(attributes) <= {"href", "title", "rel", "start", "tabindex"}, html  # no on*, no style
        href = attributes.get("href", "https:")
        assert href.strip().lower().startswith(("https:", "http:", "mailto:")), html


def test_raw_html_is_shown_as_text_not_run():
    assert str(render_markdown("Use <b>bold</b>")) == "<p>Use &lt;b&gt;bold&lt;/b&gt;</p>\n"


def test_links_open_safely():
    html = str(render_markdown('See [the docs](https://kubernetes.io/docs/ "Docs") or <https://example.org>.'))
    assert '<a href="https://kubernetes.io/docs/" title="Docs" rel="noopener nofollow">the docs</a>' in html
    assert '<a href="https://example.org" rel="noopener nofollow">https://example.org</a>' in html


def test_commonmark_with_tables_renders():
    text = (
        "## Rollouts\n\n### Why\n\nA *pod* is **one** unit.\n\n"
        "1. Build\n2. Push\n\n- canary\n- blue/green\n\n> Roll back first.\n\n"
        "| strategy | risk |\n|:---|---:|\n| canary | low |\n\n"
        "```python\nprint('<ok>')\n```\n\nInline `kubectl get pods`."
    )
    html = str(render_markdown(text))
    assert "<h2>Rollouts</h2>" in html and "<h3>Why</h3>" in html
    assert "<em>pod</em>" in html and "<strong>one</strong>" in html
    assert "<ol>\n<li>Build</li>" in html and "<ul>\n<li>canary</li>" in html
    assert "<blockquote>\n<p>Roll back first.</p>\n</blockquote>" in html
    assert '<table tabindex="0">\n<thead>\n<tr>\n<th>strategy</th>\n<th>risk</th>' in html
    assert "<td>canary</td>\n<td>low</td>" in html and "style" not in html  # alignment styles are dropped
    assert "<pre tabindex=\"0\"><code>print('&lt;ok&gt;')\n</code></pre>" in html
    assert "<code>kubectl get pods</code>" in html
    assert render_markdown("3. three\n4. four").startswith('<ol start="3">')


def test_images_stay_links_and_empty_text_is_empty():
    assert str(render_markdown("![diagram](https://example.org/d.png)")) == (
        '<p>!<a href="https://example.org/d.png" rel="noopener nofollow">diagram</a></p>\n'
    )
    assert render_markdown("") == "" and isinstance(render_markdown(""), SafeString)
    assert isinstance(render_markdown("x"), SafeString)


def test_long_texts_render_too():
    text = "word " * 20_000 + "\n\n<script>alert(1)</script>"
    html = str(render_markdown(text))
    assert html.count("word") == 20_000 and "<script" not in html
