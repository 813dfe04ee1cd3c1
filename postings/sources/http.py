"""The HTTP client of job-board syncs: polite, bounded, and clear about what went wrong.

One ``requests`` session per sync with urllib3's ``Retry``: connect and read timeouts, retries with
exponential backoff on connection errors, 429 and 5xx (a ``Retry-After`` is honoured, up to a cap),
conditional requests (``If-None-Match`` / ``If-Modified-Since``), a minimum interval between two
requests to one host across all workers (``HostPacer``), a cap on the size of an answer, redirects
followed only within the host asked, and a User-Agent naming CareerHub and the instance's contact
address. Every failure raises ``FetchError`` with a sentence an editor can act on.
"""

import math
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.core.cache import cache
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError, ReadTimeoutError
from urllib3.util.retry import Retry

from careerhub.core.degrade import step_aside

MAX_REDIRECTS = 5
RETRY_STATUSES = (429, 500, 502, 503, 504)


class FetchError(Exception):
    """A board could not be read: the reason, in words, for the run record and the editors."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status  # the HTTP status that refused it, when one did


@dataclass
class Answer:
    """A successful answer (or 304): its body, the headers that matter, and the address that gave it."""

    url: str
    status: int
    body: bytes = b""
    content_type: str = ""
    charset: str = ""
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def user_agent() -> str:
    """``CareerHub/1 (+contact)``: whoever reads their logs can tell who asked and how to reach them."""
    return f"CareerHub/1.0 job-board sync (+mailto:{settings.CAREERHUB_SOURCES_CONTACT})"


class HostPacer:
    """At most one request per ``interval`` seconds to any one host, across every process sharing the cache.

    Time is cut into slots of ``interval`` seconds (wall clock, which the processes and machines of one
    deployment share); a request claims the first free slot that starts after now with ``cache.add``,
    which is atomic in Redis (``SET NX``) and in the local-memory cache, then waits for that slot to
    start; one that wakes too late for its slot takes another rather than crowd the next. Two requests
    to one host therefore start ``interval`` apart (less at most ``LATE``), whichever worker sends them.
    A request waits half an interval on average even to an idle host: nothing next
    to a job board's daily sync. Without the cache (Redis down) pacing steps aside to this process
    alone (``careerhub.core.degrade``), as before it was shared. Retries inside one request (urllib3's
    ``Retry`` on 429 and 5xx) wait by their own backoff and ``Retry-After``, not here.
    """

    KEY = "sources:host-slot:{host}:{slot}"
    MAX_AHEAD = 600  # slots tried before giving up on the shared schedule (600 requests queued for one host)
    LATE = 0.05  # seconds after its slot's start a request may still go (at most a quarter of the interval)
    TRIES = 3  # slots a request may miss by waking late before it goes anyway

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait(self, host: str, interval: float) -> None:
        if interval <= 0:
            return
        late = min(self.LATE, interval / 4)
        for _ in range(self.TRIES):
            try:
                start = self._claim(host, interval)
            except Exception as error:  # the cache is down: pace this process's requests only
                step_aside("source-pacing", error, "requests to job boards are spaced per process only")
                start = self._local(host, interval)
            delay = start - time.time()
            if delay > 0:
                time.sleep(delay)
            if time.time() - start <= late:
                return
            # Woken late (a busy machine): sending now could crowd whoever holds the next slot; take another.

    def _claim(self, host: str, interval: float) -> float:
        now = time.time()
        first = math.floor(now / interval) + 1
        for slot in range(first, first + self.MAX_AHEAD):
            start = slot * interval
            # kept until its slot is over, so a claim is never taken twice while it matters
            timeout = math.ceil(start - now + interval) + 1
            if cache.add(self.KEY.format(host=host[:200], slot=slot), 1, timeout=timeout):
                return start
        raise RuntimeError(f"no free slot among the next {self.MAX_AHEAD} for {host}")

    def _local(self, host: str, interval: float) -> float:
        with self._lock:
            now = time.time()
            start = max(now, self._next.get(host, 0.0))
            self._next[host] = start + interval
        return start


PACER = HostPacer()


@dataclass
class Client:
    """A sync's HTTP client; settings are read when it is made, so tests may change them."""

    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        retry = Retry(
            total=settings.CAREERHUB_SOURCES_RETRIES,
            backoff_factor=settings.CAREERHUB_SOURCES_BACKOFF,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET"}),
            respect_retry_after_header=True,
            retry_after_max=settings.CAREERHUB_SOURCES_RETRY_AFTER_MAX,
            raise_on_status=False,  # the last answer is returned, and its status reported
            redirect=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = user_agent()
        self.timeout = (settings.CAREERHUB_SOURCES_CONNECT_TIMEOUT, settings.CAREERHUB_SOURCES_READ_TIMEOUT)
        self.max_bytes = settings.CAREERHUB_SOURCES_MAX_BYTES
        self.interval = settings.CAREERHUB_SOURCES_HOST_INTERVAL

    def close(self) -> None:
        self.session.close()

    def get(self, url: str, *, etag: str = "", last_modified: str = "", accept: str = "*/*") -> Answer:
        """GET ``url``, following redirects within its host; raise ``FetchError`` unless it answers 200 or 304."""
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        host = urlsplit(url).netloc.lower()
        for _ in range(MAX_REDIRECTS + 1):
            response = self._send(url, headers, host)
            if response.is_redirect:
                url = self._redirect_target(url, response, host)
                continue
            return self._answer(url, response)
        raise FetchError(f"More than {MAX_REDIRECTS} redirects from {url}.")

    def _send(self, url: str, headers: dict[str, str], host: str) -> requests.Response:
        PACER.wait(host, self.interval)
        try:
            return self.session.get(url, headers=headers, timeout=self.timeout, stream=True, allow_redirects=False)
        except requests.exceptions.ConnectTimeout:
            raise FetchError(f"Timed out connecting to {host} (after retries).") from None
        except requests.exceptions.ReadTimeout:
            raise FetchError(f"{host} did not answer within {self.timeout[1]} s (after retries).") from None
        except requests.exceptions.ConnectionError as exc:
            if isinstance(_cause(exc), ReadTimeoutError):  # retries used up on read timeouts
                raise FetchError(f"{host} did not answer within {self.timeout[1]} s (after retries).") from None
            # (NewConnectionError, a refused connection, is a ConnectTimeoutError too in urllib3 2.)
            if isinstance(_cause(exc), ConnectTimeoutError) and not isinstance(_cause(exc), NewConnectionError):
                raise FetchError(f"Timed out connecting to {host} (after retries).") from None
            raise FetchError(f"Could not connect to {host}: {_reason(exc)} (after retries).") from None
        except requests.exceptions.RequestException as exc:
            raise FetchError(f"Request to {host} failed: {_reason(exc)}.") from None

    @staticmethod
    def _redirect_target(url: str, response: requests.Response, host: str) -> str:
        target = urljoin(url, response.headers.get("Location", ""))
        response.close()
        if urlsplit(target).netloc.lower() != host:
            raise FetchError(
                f"{url} redirects to another host ({urlsplit(target).netloc or repr(target)}); not followed. "
                "If the board moved, change the source's address."
            )
        return target

    def _answer(self, url: str, response: requests.Response) -> Answer:
        with response:
            if response.status_code == 304:
                return Answer(url=url, status=304)
            if response.status_code != 200:
                raise FetchError(_status_reason(url, response), status=response.status_code)
            body = self._read(url, response)
        content_type = response.headers.get("Content-Type", "")
        return Answer(
            url=url,
            status=200,
            body=body,
            content_type=content_type.split(";")[0].strip().lower(),
            charset=_charset(content_type),
            etag=response.headers.get("ETag", "")[:300],
            last_modified=response.headers.get("Last-Modified", "")[:100],
        )

    def _read(self, url: str, response: requests.Response) -> bytes:
        too_big = f"The answer of {url} is larger than {self.max_bytes:,} bytes; refused."
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(too_big)
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(chunk_size=65536):
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(too_big)
                chunks.append(chunk)
        except requests.exceptions.RequestException as exc:
            raise FetchError(f"Reading the answer of {url} failed: {_reason(exc)}.") from None
        return b"".join(chunks)


def _status_reason(url: str, response: requests.Response) -> str:
    status = response.status_code
    if status in RETRY_STATUSES:
        retried = f" after {settings.CAREERHUB_SOURCES_RETRIES} retries"
        after = response.headers.get("Retry-After")
        hint = f" (it asked to wait {after[:40]} s)" if after and status == 429 else ""
        return f"{url} answered HTTP {status}{retried}{hint}; given up."
    if status == 404:
        return f"{url} answered 404: no such board (check the board name)."
    if status in (401, 403):
        return f"{url} answered {status}: the board is not public."
    return f"{url} answered HTTP {status}."


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset":
            return value.strip().strip('"').lower()
    return ""


def _cause(exc: Exception) -> Exception | None:
    """The urllib3 error behind a requests error that gave up after retries."""
    inner = exc.args[0] if exc.args else None
    return inner.reason if isinstance(inner, MaxRetryError) else inner


def _reason(exc: Exception) -> str:
    """The innermost reason of a requests/urllib3 error, short (their messages nest the whole chain)."""
    text = str(exc)
    for marker in ("Caused by ", "Failed to establish a new connection: "):
        if marker in text:
            text = text.rsplit(marker, 1)[1]
    return text.strip("()'\" ")[:200] or type(exc).__name__


def decode_text(answer: Answer) -> str:
    """The answer as text: its declared charset, else UTF-8; a body that is neither is refused."""
    encoding = answer.charset or "utf-8"
    try:
        return answer.body.decode(encoding)
    except LookupError:
        raise FetchError(f"The answer of {answer.url} declares an unknown charset {encoding!r}.") from None
    except UnicodeDecodeError as exc:
        raise FetchError(
            f"The answer of {answer.url} is not {encoding} text (byte {exc.start + 1} cannot be read)."
        ) from None
