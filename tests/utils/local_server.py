"""A bounded HTTP server on 127.0.0.1 for download tests (no network)."""

import contextlib
import http.server
import socket
import threading


class LocalServer:
    """Serves `files[name]` at `/name`; `cut[name] = n` sends only the
    first n bytes (with the full Content-Length) and then drops the
    connection, as a download dying mid-stream; with `hold` set as well,
    the server first waits (bounded) until `release` is set."""

    def __init__(self):
        self.files = {}
        self.cut = {}
        self.hold = set()
        self.release = threading.Event()
        self.requests = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            timeout = 5

            def do_GET(self):
                name = self.path.lstrip("/")
                server.requests.append(name)
                if name not in server.files:
                    self.send_error(404, "Not Found")
                    return
                body = server.files[name]
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: server.cut.get(name, len(body))])
                self.wfile.flush()
                if name in server.hold:
                    server.release.wait(timeout=10)
                self.close_connection = True

            def log_message(self, *args):
                pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}
        )

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def closed_port_url(name: str) -> str:
    """A URL on a localhost port where nothing listens."""
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/{name}"
