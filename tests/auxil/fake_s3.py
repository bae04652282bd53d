"""A fake S3-compatible bucket service for tests: PUT and GET of objects, path-style
(`/<bucket>/<key>`), on a stdlib HTTP server thread; a missing object is S3's NoSuchKey error."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator
from urllib.parse import unquote, urlparse

NO_SUCH_KEY = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code>'
               b"<Message>The specified key does not exist.</Message></Error>")


class FakeS3:
    """Objects by path (`/bucket/key`), as PUT."""

    def __init__(self) -> None:
        self.objects: Dict[str, bytes] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def _handler(self) -> type:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _path(self) -> str:
                return unquote(urlparse(self.path).path)

            def do_PUT(self) -> None:  # noqa: N802 (http.server's name)
                fake.objects[self._path()] = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self._answer(200, b"", "application/xml")

            def do_GET(self) -> None:  # noqa: N802
                data = fake.objects.get(self._path())
                if data is None:
                    return self._answer(404, NO_SUCH_KEY, "application/xml")
                self._answer(200, data, "application/octet-stream")

            def _answer(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def fake_s3() -> Iterator[FakeS3]:
    server = FakeS3()
    try:
        yield server
    finally:
        server.stop()
