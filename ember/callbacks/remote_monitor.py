"""The `RemoteMonitor` callback."""

import json
import warnings

import numpy as np

from ember.callbacks.callback import Callback


class RemoteMonitor(Callback):
    """Posts each epoch's logs to a server as an HTTP POST.

    The body is the logs with ``epoch`` added, as JSON: by default sent as
    the form field `field` (``application/x-www-form-urlencoded``), or as
    the whole body with ``send_as_json=True`` (``application/json``), the
    requests Keras sends. It is sent with Python's own `urllib` (Keras uses
    the `requests` package; ember needs none). A server that cannot be
    reached gives a warning, not an error.

    Args:
        root: Root URL of the server.
        path: Path relative to `root` the events are posted to.
        field: Form field holding the JSON data (when not sent as JSON).
        headers: Dict of extra HTTP headers.
        send_as_json: Send the logs as a JSON body.

    Example:

    >>> monitor = ember.callbacks.RemoteMonitor(root="http://localhost:9000")
    >>> model.fit(x, y, callbacks=[monitor])  # doctest: +SKIP
    """

    def __init__(
        self,
        root: str = "http://localhost:9000",
        path: str = "/publish/epoch/end/",
        field: str = "data",
        headers: dict | None = None,
        send_as_json: bool = False,
    ):
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch, logs=None):
        # Imported here: `urllib.request` is slow to import with ember.
        import urllib.error
        import urllib.parse
        import urllib.request

        send = {"epoch": epoch}
        for key, value in (logs or {}).items():
            if isinstance(value, (np.ndarray, np.generic)):
                value = value.item()
            send[key] = value
        if self.send_as_json:
            body = json.dumps(send).encode("utf-8")
            content_type = "application/json"
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)})
            body = body.encode("ascii")
            content_type = "application/x-www-form-urlencoded"
        headers = {"Content-Type": content_type, **(self.headers or {})}
        request = urllib.request.Request(
            self.root + self.path, data=body, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request) as response:
                response.read()
        except urllib.error.HTTPError:
            pass  # The server answered: like Keras, ignore its status.
        except (urllib.error.URLError, OSError, ValueError):
            warnings.warn(
                f"Could not reach RemoteMonitor root server at {self.root}",
                stacklevel=2,
            )
