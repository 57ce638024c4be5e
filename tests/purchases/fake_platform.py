"""A local accredited platform (PA) for the tests: the JSON API HttpPlatformConnector speaks,
served on 127.0.0.1 by a thread, with its inbox, the statuses it received and its directory."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class FakePlatform:
    token: str
    url: str = ""
    inbox: list[tuple[str, str, bytes]] = field(default_factory=list)  # (id, filename, content)
    statuses: list[tuple[str, str, str]] = field(default_factory=list)  # (flow, code, reason)
    directory: list[dict[str, str]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


def _handler(platform: FakePlatform) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _reply(self, status: int, body: Any = None) -> None:
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            if self.headers.get("Authorization") != f"Bearer {platform.token}":
                self._reply(401, {"error": "unauthorized"})
                return False
            return True

        def do_GET(self) -> None:
            platform.requests.append(f"GET {self.path}")
            if not self._authorised():
                return
            url = urlparse(self.path)
            if url.path == "/flows":
                after = parse_qs(url.query).get("after", [""])[0]
                ids = [flow_id for flow_id, _name, _content in platform.inbox]
                start = ids.index(after) + 1 if after in ids else 0
                self._reply(200, {"flows": [{"id": i} for i in ids[start:]]})
                return
            for flow_id, name, content in platform.inbox:
                if url.path == f"/flows/{flow_id}/document":
                    encoded = base64.b64encode(content).decode()
                    self._reply(200, {"filename": name, "content": encoded})
                    return
            self._reply(404, {"error": "not found"})

        def do_POST(self) -> None:
            platform.requests.append(f"POST {self.path}")
            if not self._authorised():
                return
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            if self.path == "/directory/lines":
                platform.directory.append(body)
                self._reply(201, {})
                return
            parts = self.path.strip("/").split("/")
            if len(parts) == 3 and parts[0] == "flows" and parts[2] == "statuses":
                platform.statuses.append((parts[1], body["code"], body.get("reason", "")))
                self._reply(201, {})
                return
            self._reply(404, {"error": "not found"})

    return Handler


@contextmanager
def fake_platform(token: str = "secret-token") -> Iterator[FakePlatform]:  # noqa: S107 - a test server
    platform = FakePlatform(token=token)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(platform))
    platform.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield platform
    finally:
        server.shutdown()
        server.server_close()
