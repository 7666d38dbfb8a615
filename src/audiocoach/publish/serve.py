"""``audiocoach serve DIR``: the feed, pages and audio over HTTP on the local network.

The standard library's ``ThreadingHTTPServer`` and ``SimpleHTTPRequestHandler`` do the
HTTP; what they lack for podcast apps is added here: byte ranges (``Range: bytes=...``,
answered ``206 Partial Content`` or ``416``; apps seek and resume with them), the MIME
types of audio, playlists, feeds and chapters, and a hard rule that nothing outside DIR is
ever served (the resolved path, symlinks followed, must lie inside DIR; hidden files and
temporary ``.part`` files are not served either).
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
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO

from audiocoach.errors import AudiocoachError
from audiocoach.publish.feed import AUDIO_TYPES, CHAPTERS_SUFFIX, FEED_NAME

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
    ".png": "image/png",
    ".jpg": "image/jpeg",
}

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str, size: int) -> tuple[int, int] | None | str:
    """(first, last) byte of a single ``bytes=`` range; None: serve the whole file
    (no range, or one this server answers in full, such as several ranges);
    "unsatisfiable" when it lies outside the file."""
    m = _RANGE.match(header.strip().replace(" ", ""))
    if not m or (not m.group(1) and not m.group(2)):
        return None
    first, last = m.group(1), m.group(2)
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
        if self._range is None:
            return super().copyfile(source, outputfile)
        left = self._range[1] - self._range[0] + 1
        while left > 0:
            block = source.read(min(64 * 1024, left))
            if not block:
                break
            outputfile.write(block)
            left -= len(block)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        log.info("%s - %s", self.address_string(), format % args)


def make_server(folder: str | Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> ThreadingHTTPServer:
    """A server for ``folder`` bound to ``host:port`` (port 0: any free port); not started."""
    root = Path(folder)
    if not root.is_dir():
        raise AudiocoachError(
            f"{root}: no such folder (publish a program first: audiocoach publish DIR --base-url URL)"
        )
    handler = functools.partial(Handler, directory=str(root.resolve()))
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise AudiocoachError(f"cannot listen on {host}:{port}: {exc.strerror or exc} (try another --port)") from None
    server.daemon_threads = True
    return server


def lan_address() -> str:
    """This machine's address on the local network (what a phone on the same Wi-Fi uses)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def base_urls(server: ThreadingHTTPServer) -> list[str]:
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
