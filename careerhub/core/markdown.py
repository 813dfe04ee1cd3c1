"""Editors' Markdown as safe HTML: CommonMark (with tables) by markdown-it-py, then sanitised by nh3.

Raw HTML in the text is not passed through (it shows as text), and nh3 keeps only the tags below
whatever the renderer produced: a second lock, so a renderer bug or plugin cannot open a hole.
"""

from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        *(f"h{level}" for level in range(1, 7)),
        "p",
        "ul",
        "ol",
        "li",
        "code",
        "pre",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "em",
        "strong",
        "blockquote",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener nofollow"
# A code block or table wider than a phone's screen scrolls in its box: keyboard users need to reach it.
SCROLLABLE_TAGS = ("pre", "table")

# The bodies a page shows are few and change rarely; an API page renders up to 200 of them (about 1 ms
# each for 500 words). Longer texts are rendered each time rather than kept.
CACHED_TEXT_LENGTH = 50_000

# Images are not shown (a page of text, not of pictures): `![alt](url)` stays a link to the picture.
_renderer = MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")


def render_markdown(text: str) -> SafeString:
    """``text`` (CommonMark with tables) as sanitised HTML, safe to put in a page as it is."""
    if not text:
        return mark_safe("")
    if len(text) <= CACHED_TEXT_LENGTH:
        return _render_cached(text)
    return _render(text)


@lru_cache(maxsize=512)
def _render_cached(text: str) -> SafeString:
    return _render(text)


def _render(text: str) -> SafeString:
    html = nh3.clean(
        _renderer.render(text),
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        set_tag_attribute_values={tag: {"tabindex": "0"} for tag in SCROLLABLE_TAGS},
        strip_comments=True,
    )
    return mark_safe(html)  # sanitised by nh3 just above
