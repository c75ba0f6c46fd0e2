import http.server
import json
import socket
import threading
import urllib.parse

import numpy as np
import pytest

from ember.callbacks import RemoteMonitor


class Recorder(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        body = self.rfile.read(length)
        Recorder.received.append((self.path, dict(self.headers), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Recorder.received = []
    httpd = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_posts_the_logs_as_a_form_field(server):
    monitor = RemoteMonitor(root=server, path="/epoch/", field="payload")
    monitor.on_epoch_end(2, {"loss": 0.5, "acc": np.float32(0.25)})
    [(path, headers, body)] = Recorder.received
    assert path == "/epoch/"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = urllib.parse.parse_qs(body.decode())
    assert list(form) == ["payload"]
    assert json.loads(form["payload"][0]) == {
        "epoch": 2,
        "loss": 0.5,
        "acc": 0.25,
    }


def test_posts_json_with_extra_headers(server):
    monitor = RemoteMonitor(
        root=server, send_as_json=True, headers={"X-Run": "seven"}
    )
    monitor.on_epoch_end(0, {"loss": 1.5})
    [(path, headers, body)] = Recorder.received
    assert path == "/publish/epoch/end/"
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Run"] == "seven"
    assert json.loads(body) == {"epoch": 0, "loss": 1.5}


def test_unreachable_server_warns():
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = f"http://127.0.0.1:{port}"
    monitor = RemoteMonitor(root=root)
    with pytest.warns(UserWarning) as warned:
        monitor.on_epoch_end(0, {"loss": 1.0})
    assert [str(w.message) for w in warned] == [
        f"Could not reach RemoteMonitor root server at {root}"
    ]
