"""``audiocoach serve DIR``: the feed, pages and audio over HTTP on the local network.

The standard library's ``HTTPServer`` and ``SimpleHTTPRequestHandler`` do the HTTP; what
they lack for podcast apps is added here: byte ranges (``Range: bytes=...``, answered
``206 Partial Content`` or ``416``; apps seek and resume with them), the MIME types of
audio, playlists, feeds and chapters, and a hard rule that nothing outside DIR is ever
served (the resolved path, symlinks followed, must lie inside DIR; hidden files and
temporary ``.part`` files are not served either).

A gym full of phones: the listen backlog is :data:`BACKLOG` (the standard library's is 5,
so a burst of connections waited for SYN retries, seconds each), connections are handled
by a bounded pool of :data:`MAX_THREADS` threads (not one thread per connection without
limit), an idle connection is dropped after :data:`IDLE_TIMEOUT_S`, and file bodies go
out with ``sendfile``. Malformed or absurd ranges are answered 416, and a client that
hangs up mid-answer is one log line, never a traceback. Measured (tests/test_serve_load.py):
200 concurrent range requests for a 28.8 MB file all answered, p95 first byte well under
a second on two shared cores. An async server library was not needed for that, and the
standard library keeps ``serve`` free of dependencies.
"""

from __future__ import annotations

import functools
import html
import io
import logging
import os
import re
import socket
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from http.server import HTTPServer, SimpleHTTPRequestHandler
from pathlib import Path
from typing import BinaryIO

from audiocoach.errors import AudiocoachError
from audiocoach.export.artifacts import CHAPTERS_SUFFIX
from audiocoach.publish.feed import AUDIO_TYPES, FEED_NAME
from audiocoach.publish.player import WORKER

log = logging.getLogger("audiocoach.publish.serve")

DEFAULT_HOST = "0.0.0.0"
DEFAULT_PORT = 8000

TYPES = {
    **AUDIO_TYPES,
    ".m3u8": "application/vnd.apple.mpegurl",
    ".m3u": "audio/x-mpegurl",
    ".vtt": "text/vtt; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".png": "image/png",
    ".jpg": "image/jpeg",
}

#: Connections the kernel queues before the server accepts them (Linux caps it at somaxconn).
BACKLOG = 1024
#: Threads answering requests; more connections wait in the pool's queue, then the backlog.
MAX_THREADS = 64
#: A connection that sends nothing for this long is closed (it frees its thread).
IDLE_TIMEOUT_S = 30
#: Ranges in one header beyond which it is refused as absurd (a player asks for one).
MAX_RANGES = 100
#: Digits of a byte position: 18 is beyond any file (and any int64).
MAX_POSITION_DIGITS = 18

_SPEC = re.compile(r"^(\d*)-(\d*)$")


def parse_range(header: str, size: int) -> tuple[int, int] | None | str:
    """(first, last) byte of a single ``bytes=`` range; None: serve the whole file
    (no range, a unit other than bytes, or several ranges, which this server answers in
    full); "unsatisfiable" when it lies outside the file or is malformed or absurd
    (garbage, a negative position, more digits than any file has, too many ranges)."""
    value = header.strip().replace(" ", "")
    if not value.lower().startswith("bytes="):
        return None  # another unit: HTTP says to ignore the header
    specs = value[len("bytes=") :].split(",")
    matches = [_SPEC.match(spec) for spec in specs]
    if len(specs) > MAX_RANGES or not all(matches):
        return "unsatisfiable"
    groups = [m.groups() for m in matches if m is not None]
    if any(not a and not b for a, b in groups) or any(len(g) > MAX_POSITION_DIGITS for p in groups for g in p):
        return "unsatisfiable"
    if len(groups) > 1:
        return None
    first, last = groups[0]
    if not first:  # the last N bytes
        n = int(last)
        if n == 0:
            return "unsatisfiable"
        return max(0, size - n), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        return "unsatisfiable"
    return start, end


class Handler(SimpleHTTPRequestHandler):
    """Static files from one folder, with ranges, audio MIME types and no way out."""

    server_version = "audiocoach"
    timeout = IDLE_TIMEOUT_S
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        name = os.path.basename(path)
        if name == FEED_NAME:
            return "application/rss+xml; charset=utf-8"
        if name.endswith(CHAPTERS_SUFFIX):
            return "application/json+chapters"
        return super().guess_type(path)

    def _inside(self, path: str) -> bool:
        root = os.path.realpath(self.directory)
        real = os.path.realpath(path)
        rel = os.path.relpath(real, root)
        if rel == ".":
            return True
        if rel.startswith(".."):
            return False
        return not any(part.startswith(".") for part in Path(rel).parts)

    def send_head(self) -> BinaryIO | None:
        self._range: tuple[int, int] | None = None
        try:
            path = self.translate_path(self.path)
            inside = self._inside(path)
        except ValueError:  # e.g. a NUL byte in the path
            self.send_error(HTTPStatus.BAD_REQUEST, "bad path")
            return None
        if not inside:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        if os.path.isdir(path) or "Range" not in self.headers:
            return super().send_head()
        try:
            f = open(path, "rb")
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        stat = os.fstat(f.fileno())
        size, modified = stat.st_size, self.date_time_string(int(stat.st_mtime))
        wanted = parse_range(self.headers["Range"], size)
        if "If-Range" in self.headers and self.headers["If-Range"] != modified:
            wanted = None  # the client's copy is of another version: send the whole file
        if wanted is None:
            f.close()
            return super().send_head()
        if wanted == "unsatisfiable":
            f.close()
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if not isinstance(wanted, tuple):  # parse_range answers a range, None or "unsatisfiable"
            raise TypeError(f"unexpected range {wanted!r}")
        first, last = wanted
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        self.send_header("Content-Length", str(last - first + 1))
        self.send_header("Last-Modified", modified)
        self.end_headers()
        f.seek(first)
        self._range = (first, last)
        return f

    def end_headers(self) -> None:
        # Every answer says ranges are welcome (apps look for this before they seek).
        if not any(h.lower().startswith(b"accept-ranges") for h in getattr(self, "_headers_buffer", [])):
            self.send_header("Accept-Ranges", "bytes")
        path = urllib.parse.urlsplit(self.path).path
        if path.rsplit("/", 1)[-1] == WORKER:
            # A browser checks a service worker for updates on every visit only when no
            # cache stands in the way; its scope is the player's folder (the feed root).
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Service-Worker-Allowed", path.rsplit("/", 1)[0] + "/")
        super().end_headers()

    def list_directory(self, path: str | os.PathLike[str]) -> BinaryIO | None:  # type: ignore[override]
        """A folder without index.html: its visible entries (no hidden or temporary files)."""
        try:
            names = sorted(n for n in os.listdir(path) if not n.startswith("."))
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "No permission to list directory")
            return None
        shown = html.escape(urllib.parse.unquote(self.path.split("?", 1)[0]))
        items = "".join(
            f'<li><a href="{urllib.parse.quote(n + ("/" if os.path.isdir(os.path.join(path, n)) else ""))}">'
            f"{html.escape(n)}</a></li>"
            for n in names
        )
        body = (
            f'<!doctype html><html><head><meta charset="utf-8"><title>{shown}</title></head>'
            f"<body><h1>{shown}</h1><ul>{items}</ul></body></html>\n"
        ).encode()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def copyfile(self, source: BinaryIO, outputfile: BinaryIO) -> None:  # type: ignore[override]
        if isinstance(source, io.BytesIO):  # a folder listing, made in memory
            return super().copyfile(source, outputfile)
        first, last = self._range if self._range is not None else (0, os.fstat(source.fileno()).st_size - 1)
        outputfile.flush()
        # The kernel copies file to socket: no Python loop per block, no GIL held meanwhile.
        self.connection.sendfile(source, first, last - first + 1)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        log.info("%s - %s", self.address_string(), format % args)


class PooledHTTPServer(HTTPServer):
    """An HTTP server with a real listen backlog and a bounded pool of handler threads."""

    request_queue_size = BACKLOG

    def __init__(self, address, handler, threads: int = MAX_THREADS):
        # Made first: a failed bind calls server_close, which shuts the pool down.
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="serve")
        super().__init__(address, handler)

    def process_request(self, request, client_address) -> None:
        self._pool.submit(self._answer, request, client_address)

    def _answer(self, request, client_address) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)

    def handle_error(self, request, client_address) -> None:
        """One log line (a phone that hung up is normal), the traceback only at debug level."""
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            log.info("%s: connection closed (%s)", client_address[0], exc.__class__.__name__)
        else:
            log.warning("%s: request failed: %r", client_address[0], exc)
            log.debug("request failed", exc_info=True)

    def server_close(self) -> None:
        super().server_close()
        self._pool.shutdown(wait=False, cancel_futures=True)


def make_server(folder: str | Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> PooledHTTPServer:
    """A server for ``folder`` bound to ``host:port`` (port 0: any free port); not started."""
    root = Path(folder)
    if not root.is_dir():
        raise AudiocoachError(
            f"{root}: no such folder (publish a program first: audiocoach publish DIR --base-url URL)"
        )
    handler = functools.partial(Handler, directory=str(root.resolve()))
    try:
        server = PooledHTTPServer((host, port), handler)
    except OSError as exc:
        raise AudiocoachError(f"cannot listen on {host}:{port}: {exc.strerror or exc} (try another --port)") from None
    return server


def lan_address() -> str:
    """This machine's address on the local network (what a phone on the same Wi-Fi uses)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def base_urls(server: HTTPServer) -> list[str]:
    """The addresses to give a podcast app (``--base-url`` of publish)."""
    host, port = server.server_address[:2]
    host = host.decode() if isinstance(host, bytes) else host
    if host in ("0.0.0.0", ""):
        return [f"http://{lan_address()}:{port}/", f"http://127.0.0.1:{port}/"]
    return [f"http://{host}:{port}/"]


def serve(
    folder: str | Path,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    ready: Callable[[list[str]], None] | None = None,
) -> None:
    """Serve ``folder`` until interrupted; ``ready(urls)`` is called once it listens."""
    with make_server(folder, host, port) as server:
        if ready:
            ready(base_urls(server))
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
