"""``check_links`` against a real HTTP server on this machine (no outside network)."""

import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from careerhub.core.editorial import Status
from curriculum.links import check_url
from tests.factories import ModuleFactory, ResourceFactory, TrackFactory

pytestmark = pytest.mark.django_db


class Handler(BaseHTTPRequestHandler):
    """/ok 200; /missing 404; /moved 301 to /ok; /no-head refuses HEAD (405) but answers GET; /slow sleeps."""

    requests: list[tuple[str, str]] = []

    def do_HEAD(self):
        self.answer(head=True)

    def do_GET(self):
        self.answer(head=False)

    def answer(self, *, head: bool):
        type(self).requests.append((self.command, self.path))
        if self.path == "/slow":
            time.sleep(1.5)
        if self.path in ("/ok", "/slow") or (self.path == "/no-head" and not head):
            self.send_response(200)
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif self.path == "/no-head":
            self.send_response(405)
        else:
            self.send_response(404)
        body = b"" if head else b"hello"
        self.send_header("Content-Length", str(len(body)))
        try:
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the checker stops reading once it has the status (or gave up waiting)

    def log_message(self, *args):  # quiet test output
        pass


@pytest.fixture
def server(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)  # ask the local server directly
    Handler.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def run(*args) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("check_links", "--timeout", "0.5", *args, stdout=out, no_color=True)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def test_each_answer_is_judged_after_head_then_get(server):
    assert check_url(f"{server}/ok", timeout=2).ok
    assert Handler.requests == [("HEAD", "/ok")]  # a good HEAD needs no GET
    moved = check_url(f"{server}/moved", timeout=2)
    assert moved.ok and moved.moved and moved.final_url == f"{server}/ok"
    no_head = check_url(f"{server}/no-head", timeout=2)
    assert no_head.ok and ("GET", "/no-head") in Handler.requests
    missing = check_url(f"{server}/missing", timeout=2)
    assert (missing.ok, missing.status, missing.error) == (False, 404, "HTTP 404 Not Found")
    slow = check_url(f"{server}/slow", timeout=0.3)
    assert not slow.ok and "timed out" in slow.error
    assert not check_url("ftp://example.org/", timeout=1).ok


def test_failures_are_listed_with_their_module_and_the_command_exits_1(server):
    # given published resources answering in every way, and a draft module's broken one
    module = ModuleFactory(title="Containers", slug="containers", track=TrackFactory(slug="mlops"))
    for path, title in [("/ok", "Docs"), ("/moved", "Old docs"), ("/no-head", "Picky"), ("/missing", "Gone"),
                        ("/slow", "Slow")]:
        ResourceFactory(module=module, title=title, url=f"{server}{path}")
    ResourceFactory(module=ModuleFactory(track=module.track), title="Also docs", url=f"{server}/ok")
    draft = ModuleFactory(status=Status.DRAFT, published_at=None)
    ResourceFactory(module=draft, title="Draft link", url=f"{server}/draft-missing")
    # when the links are checked
    output, error = run("--concurrency", "3")
    # then each address is asked once, with progress, and the failures are summed up
    assert output.startswith("Checking 5 addresses of 6 resources, 3 at a time…")
    assert output.count("[") >= 5 and "[5/5]" in output
    assert error is not None and error.returncode == 1 and str(error) == "2 of 5 addresses fail."
    failures = output.split("2 addresses fail:")[1]
    assert f"HTTP 404 Not Found {server}/missing\n      mlops/containers “Containers”: Gone" in failures
    assert f"{server}/slow" in failures and "timed out" in failures
    assert "/no-head" not in failures and "/ok" not in failures
    assert f"{server}/moved → {server}/ok" in output.split("redirect elsewhere")[1]
    assert "/draft-missing" not in output
    # each address once, though two resources share /ok; GET only after a refused HEAD
    assert Handler.requests.count(("HEAD", "/missing")) == Handler.requests.count(("GET", "/missing")) == 1
    assert Handler.requests.count(("HEAD", "/moved")) == 1 and ("GET", "/moved") not in Handler.requests


def test_drafts_on_request_and_a_clean_run_exits_0(server):
    draft = ModuleFactory(status=Status.DRAFT, published_at=None)
    ResourceFactory(module=draft, url=f"{server}/ok")
    output, error = run()
    assert error is None and "Checking 0 addresses" in output
    output, error = run("--include-unpublished")
    assert error is None and output.rstrip().endswith("All 1 addresses answer.")


@pytest.mark.parametrize("args", [("--concurrency", "0"), ("--concurrency", "99"), ("--timeout", "0")])
def test_bad_options_are_refused_naming_them(args):
    _output, error = run(*args)
    assert error is not None and args[0] in str(error)
