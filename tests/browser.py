"""Helpers for the browser tests: a static server that behaves like GitHub Pages, Debian's
Chromium through Playwright, axe-core, and a watch on what a page does wrong.

Chromium is Debian's (``.ci/run`` installs it) and axe-core the npm package in
``.ci/node_modules`` (``make test`` installs it); without them the tests skip and say so.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = REPO / ".ci" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def need_chromium() -> str:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return CHROMIUM


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under ``prefix``; a missing page gets the site's 404.html with
    status 404, as GitHub Pages answers."""

    prefix = "/"

    def log_message(self, *args: Any) -> None:
        pass

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "no such file")
        return super().translate_path("/" + path[len(self.prefix) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve(site: Path, prefix: str = "/") -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 under ``prefix``; yields its base URL."""
    handler = type("Handler", (_Handler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (one per module: starting one costs half a second)."""
    from playwright.sync_api import sync_playwright

    executable = need_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def watch(page: Any, origin: str) -> list[str]:
    """What goes wrong on ``page``: console errors, script errors, failed requests, HTTP
    errors and any request leaving ``origin``; appended to the returned list as they
    happen.

    When the test opens another page, the browser cancels what the page it leaves still
    has under way (``net::ERR_ABORTED``): typically the favicon, which Chromium asks for
    only after the load event that ``goto`` waits for, so it is often still pending, or
    only just requested, when the next ``goto`` begins. That is the test leaving, not the
    site failing: requests pending when a page is left, or started by the old page while
    the new one loads, are not counted when cancelled (the flaky favicon failure)."""
    problems: list[str] = []
    pending: set[Any] = set()
    left: set[Any] = set()
    leaving = [False]

    def started(request: Any) -> None:
        if request.is_navigation_request() and request.frame == page.main_frame:
            left.update(pending)
            pending.clear()
            leaving[0] = True
        elif leaving[0]:
            left.add(request)  # the old page's, until the new one is committed
        pending.add(request)
        if not (request.url.startswith(origin) or request.url.startswith("data:")):
            problems.append(f"external request: {request.url}")

    def navigated(frame: Any) -> None:
        if frame == page.main_frame:
            leaving[0] = False

    def failed(request: Any) -> None:
        pending.discard(request)
        if request in left and request.failure == "net::ERR_ABORTED":
            return
        problems.append(f"failed: {request.url} ({request.failure})")

    def answered(response: Any) -> None:
        if response.status >= 400 and not response.request.is_navigation_request():
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("request", started)
    page.on("framenavigated", navigated)
    page.on("requestfinished", lambda request: pending.discard(request))
    page.on("requestfailed", failed)
    page.on("response", answered)

    def logged(message: Any) -> None:
        # "Failed to load resource" repeats a failure or HTTP error counted above (or the
        # 404 page's own status, which is what it is for).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console: {message.text}")

    page.on("console", logged)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    return problems


TRACK_SEARCH = """(() => {
  const Base = window.Worker;
  const seen = window.__portalSearch = { sent: [], answered: 0 };
  window.Worker = function (url, options) {
    const worker = new Base(url, options);
    const post = worker.postMessage.bind(worker);
    worker.postMessage = (message, ...rest) => {
      if (message && message.type === 2) { seen.sent.push(message.data); }
      return post(message, ...rest);
    };
    worker.addEventListener("message", (event) => {
      if (event.data && event.data.type === 3) { seen.answered += 1; }
    });
    return worker;
  };
})();"""
"""An init script counting the queries the page sends the search worker and the results
it gets back (the theme renders a result as it arrives): a test can then wait for the
answer to the last query, not for a pause that a busy machine may not keep."""

ANSWERED = """query => {
  const seen = window.__portalSearch;
  return !!seen && seen.sent.length > 0 && seen.sent[seen.sent.length - 1] === query
    && seen.answered === seen.sent.length;
}"""


def axe(page: Any, **options: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (every rule, every impact)."""
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed ({AXE}; `make test` installs it with npm)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("opts => axe.run(document, opts)", {"resultTypes": ["violations"]})
    found: list[dict[str, Any]] = result["violations"]
    return found


def describe(violations: list[dict[str, Any]]) -> str:
    """axe's violations, one line per rule and element, for an assertion message."""
    lines = []
    for v in violations:
        for node in v["nodes"][:5]:
            lines.append(f"{v['id']} ({v['impact']}): {node['target']} {node['failureSummary']}")
    return "\n".join(lines)


def luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """WCAG contrast ratio of two colours."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
