"""Fetching a feed or a page over HTTP the way a polite reader does: a User-Agent naming
newsbot, conditional GET (ETag / Last-Modified: a 304 costs nothing), timeouts, a size cap,
a bounded number of redirects; gzip is httpx's."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

USER_AGENT = "newsbot/0.1 (news question-answering bot; feed reader)"
MAX_REDIRECTS = 5
PERMANENT = (301, 308)


class FetchError(RuntimeError):
    """The address could not be fetched; the message says why, in words."""


@dataclass(frozen=True)
class Fetched:
    """One response: its status (200, or 304 when not modified), body, validators, the final
    URL, and where the feed moved for good ("" unless the first answer was a 301/308)."""

    status: int
    body: bytes
    etag: str
    last_modified: str
    url: str
    moved: str = ""
    content_type: str = ""


def make_client(timeout: float) -> httpx.Client:
    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT},
    )


def fetch(
    client: httpx.Client, url: str, max_bytes: int, etag: str = "", last_modified: str = ""
) -> Fetched:
    """GET `url`, at most `max_bytes` of body; FetchError when that fails or is refused."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with client.stream("GET", url, headers=headers) as response:
            moved = ""
            if response.history and response.history[0].status_code in PERMANENT:
                moved = str(response.url)
            if response.status_code == 304:
                return Fetched(304, b"", etag, last_modified, str(response.url), moved)
            if response.status_code >= 400:
                raise FetchError(f"the server answered {response.status_code}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"the response is larger than {max_bytes // 1_000_000} MB")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(f"the response is larger than {max_bytes // 1_000_000} MB")
            return Fetched(
                response.status_code,
                bytes(body),
                response.headers.get("etag", ""),
                response.headers.get("last-modified", ""),
                str(response.url),
                moved,
                response.headers.get("content-type", "").lower(),
            )
    except httpx.TooManyRedirects:
        raise FetchError(f"more than {MAX_REDIRECTS} redirects") from None
    except httpx.TimeoutException:
        raise FetchError("the server did not answer in time") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"the server could not be reached ({type(exc).__name__})") from None
