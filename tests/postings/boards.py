"""Job boards served by a real local HTTP server, for the sync tests: fixtures, a world, and a source factory."""

import json
from pathlib import Path

from pytest_httpserver import HTTPServer

from postings.sources.models import Source
from postings.sources.services import source_create

BOARDS = Path(__file__).resolve().parent / "fixtures" / "boards"
PATHS = {
    "greenhouse": "/v1/boards/northwind/jobs",
    "lever": "/v0/postings/contoso",
    "ashby": "/posting-api/job-board/fabrikam",
}
BOARD_NAMES = {"greenhouse": "northwind", "lever": "contoso", "ashby": "fabrikam"}


def board_text(name: str) -> str:
    return (BOARDS / name).read_text(encoding="utf-8")


def board_json(name: str):
    return json.loads(board_text(name))


def make_source(world, server: HTTPServer, kind: str, board: str = "", **fields) -> Source:
    """A source of ``kind`` reading ``server``: the APIs through their base URL, pages and feeds by address."""
    if kind in ("jsonld", "feed"):
        return source_create(kind=kind, board=server.url_for(board), employer=world["employer"],
                             segment=fields.pop("segment", world["finance"]), **fields)  # fmt: skip
    fields.setdefault("base_url", server.url_for(""))
    return source_create(
        kind=kind, board=board or BOARD_NAMES[kind], employer=world["employer"],
        segment=fields.pop("segment", world["finance"]), **fields,
    )  # fmt: skip


def serve_board(server: HTTPServer, kind: str, body, **options) -> None:
    """Serve ``body`` (an object as JSON, or text) at the kind's documented path, on every request."""
    if isinstance(body, str):
        server.expect_request(PATHS[kind]).respond_with_data(body, content_type="application/json", **options)
    else:
        server.expect_request(PATHS[kind]).respond_with_json(body, **options)
