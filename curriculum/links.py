"""Whether the addresses of modules' resources still answer: ``check_links`` asks each once.

HEAD first (cheap); when the server answers HEAD with an error, GET (many servers refuse or mishandle
HEAD). Redirects are followed; the final address is reported so editors can update moved links.
Standard library only: a check is a handful of requests a week, not a crawler.
"""

import http.client
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

USER_AGENT = "CareerHub-link-checker/1.0 (resource links of a curriculum)"


@dataclass(frozen=True)
class LinkCheck:
    """What one address answered: ``ok`` when the last response (after redirects) was under 400."""

    url: str
    ok: bool
    status: int | None = None
    final_url: str = ""
    error: str = ""

    @property
    def moved(self) -> bool:
        return self.ok and bool(self.final_url) and self.final_url != self.url


def check_url(url: str, *, timeout: float) -> LinkCheck:
    """Ask ``url`` with HEAD, then with GET if the server answered HEAD with an error status."""
    if not url.lower().startswith(("http://", "https://")):
        return LinkCheck(url, ok=False, error="Not an http(s) address.")
    result = _ask(url, "HEAD", timeout)
    if result.ok or result.status is None:  # a timeout or a refused connection would only repeat
        return result
    return _ask(url, "GET", timeout)


def check_urls(
    urls: Iterable[str], *, timeout: float, workers: int, on_result: Callable[[LinkCheck], None] | None = None
) -> dict[str, LinkCheck]:
    """Check each address once, ``workers`` at a time; ``on_result`` hears of each as it finishes."""
    results: dict[str, LinkCheck] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(check_url, url, timeout=timeout) for url in dict.fromkeys(urls)]
        for future in as_completed(futures):
            result = future.result()
            results[result.url] = result
            if on_result is not None:
                on_result(result)
    return results


def _ask(url: str, method: str, timeout: float) -> LinkCheck:
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return LinkCheck(url, ok=response.status < 400, status=response.status, final_url=response.geturl())
    except urllib.error.HTTPError as error:
        reason = f"HTTP {error.code} {error.reason}"
        return LinkCheck(url, ok=False, status=error.code, final_url=error.url, error=reason)
    except urllib.error.URLError as error:
        return LinkCheck(url, ok=False, error=str(error.reason))
    except (TimeoutError, OSError, http.client.HTTPException, ValueError) as error:
        return LinkCheck(url, ok=False, error=str(error) or type(error).__name__)
