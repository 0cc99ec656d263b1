"""A news site on 127.0.0.1 for the feed tests: feeds (RSS, Atom, RDF), article pages, ETags
and 304s, a 500, a slow answer, endless and permanent redirects, a malformed feed, a huge
response, a feed of 10,000 entries and one not in UTF-8."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE_TEXT = (
    "The harbour of Port Vell reopened on Monday after three days of storms, the port "
    "authority said. Ferries to Mallorca and Menorca sail again from nine in the morning. "
)
ARTICLE_PAGE = (
    "<html><head><title>Port Vell reopens after storms</title></head><body><article>"
    "<h1>Port Vell reopens after storms</h1>"
    + "".join(f"<p>{PAGE_TEXT} Paragraph {n} adds more detail for readers.</p>" for n in range(6))
    + "</article></body></html>"
)
FULL_TEXT = " ".join(["The council voted 7 to 2 to build the new bridge over the river."] * 12)


def rss(items: list[tuple[str, str, str]], title: str = "Harbour News") -> str:
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>Mon, 06 May 2024 08:00:00 GMT</pubDate><description>{d}</description></item>"
        for t, link, d in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}'
        f"</title><link>http://example.org/</link>{body}</channel></rss>"
    )


class FeedSite:
    """The site's state, which tests change (a new story in the feed, say)."""

    def __init__(self) -> None:
        self.base = ""
        self.items: list[tuple[str, str, str]] = []
        self.etag = '"v1"'
        self.hits: dict[str, int] = {}

    def reset(self) -> None:
        self.items = [
            ("Council approves the bridge", f"{self.base}/story/bridge", FULL_TEXT),
            ("Port Vell reopens", f"{self.base}/page/port", "The port reopened."),
        ]
        self.etag = '"v1"'


def _handler(site: FeedSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def send(self, status: int, body: bytes, ctype: str, **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers.items():
                self.send_header(k.replace("_", "-"), v)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path
            site.hits[path] = site.hits.get(path, 0) + 1
            if path == "/rss":
                if self.headers.get("If-None-Match") == site.etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send(
                    200,
                    rss(site.items).encode(),
                    "application/rss+xml",
                    ETag=site.etag,
                    Last_Modified=formatdate(usegmt=True),
                )
            elif path == "/atom":
                atom = (
                    '<?xml version="1.0" encoding="utf-8"?>'
                    '<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title>'
                    f'<entry><title>Bridge vote</title><link href="{site.base}/story/atom"/>'
                    "<id>urn:atom:1</id><updated>2024-05-06T08:00:00Z</updated>"
                    f"<content type='html'>{FULL_TEXT}</content></entry></feed>"
                )
                self.send(200, atom.encode(), "application/atom+xml")
            elif path == "/latin1":
                feed = rss(
                    [("Caf\u00e9 opens", f"{site.base}/story/cafe", FULL_TEXT + " Caf\u00e9.")]
                )
                feed = feed.replace('encoding="utf-8"', 'encoding="iso-8859-1"')
                self.send(200, feed.encode("latin-1"), "application/rss+xml")
            elif path == "/many":
                items = [(f"Story {n}", f"{site.base}/story/{n}", FULL_TEXT) for n in range(10_000)]
                self.send(200, rss(items).encode(), "application/rss+xml")
            elif path.startswith("/page/"):
                self.send(200, ARTICLE_PAGE.encode(), "text/html; charset=utf-8")
            elif path == "/empty-page-feed":
                items = [("Nothing here", f"{site.base}/blank", "")]
                self.send(200, rss(items).encode(), "application/rss+xml")
            elif path == "/blank":
                self.send(200, b"<html><body><nav>Home</nav></body></html>", "text/html")
            elif path == "/500":
                self.send(500, b"oops", "text/plain")
            elif path == "/slow":
                time.sleep(2)
                self.send(200, rss(site.items).encode(), "application/rss+xml")
            elif path == "/loop":
                self.send_response(302)
                self.send_header("Location", "/loop")
                self.end_headers()
            elif path == "/moved":
                self.send_response(301)
                self.send_header("Location", "/rss")
                self.end_headers()
            elif path == "/malformed":
                self.send(200, b"<rss><channel><item><title>broken", "application/rss+xml")
            elif path == "/huge":
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(200_000_000))
                self.end_headers()
                self.wfile.write(b"<rss>" + b" " * 65536)
            elif path == "/endless":
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.end_headers()  # no length: read until the cap
                for _ in range(100):
                    self.wfile.write(b" " * 65536)
            else:
                self.send(404, b"not found", "text/plain")

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hangs up on the huge or slow answer: expected


@contextmanager
def feed_site() -> Iterator[FeedSite]:
    site = FeedSite()
    server = _QuietServer(("127.0.0.1", 0), _handler(site))
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    site.reset()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
