"""A stand-in for the OpenML XML API on 127.0.0.1, for tests of the download path.

For ``openml.datasets.get_dataset(id, download_data=True)`` without qualities
and feature metadata, openml-python 0.15.1 sends two GET requests
(``openml/datasets/functions.py``, ``_get_dataset_description`` and
``_get_dataset_arff``):

1. ``{openml.config.server}/data/{id}``, which returns the
   ``oml:data_set_description`` XML.
2. The description's ``oml:url``, which returns the ARFF file. openml-python
   compares the MD5 of the decoded text with ``oml:md5_checksum``.

It requests a parquet file only when the description has ``oml:parquet_url``,
which this server never sends. Every response is gzip-compressed when the
client accepts it, because openml-python logs a warning for uncompressed
responses.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

API_PATH = "/api/v1/xml"
OML_NAMESPACE = "http://openml.org/openml"


@dataclass(frozen=True)
class Response:
    """One canned HTTP response."""

    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"


def description_xml(dataset_id: int, name: str, file_url: str, md5: str, target: str) -> str:
    """Return an ``oml:data_set_description`` document with the fields openml-python reads."""
    fields = [
        ("id", dataset_id),
        ("name", name),
        ("version", 1),
        ("description", f"{name}, served from a local file"),
        ("format", "ARFF"),
        ("upload_date", "2014-04-06T23:21:47"),
        ("licence", "Public"),
        ("url", file_url),
        ("file_id", dataset_id),
        ("default_target_attribute", target),
        ("visibility", "public"),
        ("status", "active"),
        ("md5_checksum", md5),
    ]
    lines = [f"  <oml:{tag}>{escape(str(value))}</oml:{tag}>" for tag, value in fields]
    return (
        f'<oml:data_set_description xmlns:oml="{OML_NAMESPACE}">\n'
        + "\n".join(lines)
        + "\n</oml:data_set_description>\n"
    )


def error_xml(code: int, message: str) -> str:
    """Return an ``oml:error`` document, the body OpenML sends with a failed API call."""
    return (
        f'<oml:error xmlns:oml="{OML_NAMESPACE}">\n'
        f"  <oml:code>{code}</oml:code>\n"
        f"  <oml:message>{escape(message)}</oml:message>\n"
        "</oml:error>\n"
    )


class OpenMLTestServer:
    """An HTTP server on a free port of 127.0.0.1 that serves canned OpenML responses.

    ``responses`` maps a URL path (without query) to its response, and any
    other path gets a plain-text 404. ``requests`` lists the path of every
    request received, in order. The port is bound in the constructor, so ``url`` is
    known before ``start``, and closed by ``stop``.
    """

    def __init__(self) -> None:
        self.responses: dict[str, Response] = {}
        self.requests: list[str] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.openml_server = self
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def url(self) -> str:
        """The server's base URL, ``http://127.0.0.1:PORT``."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        """The value for ``openml.config.server``."""
        return self.url + API_PATH

    def description_path(self, dataset_id: int) -> str:
        """Return the URL path of the description of dataset ``dataset_id``."""
        return f"{API_PATH}/data/{dataset_id}"

    def add_dataset(self, dataset_id: int, name: str, arff_path: Path, target: str) -> str:
        """Serve ``arff_path`` as OpenML dataset ``dataset_id`` and return the file's URL path."""
        content = Path(arff_path).read_bytes()
        file_path = f"/data/v1/download/{dataset_id}/{name}.arff"
        self.responses[file_path] = Response(200, content)

        description = description_xml(
            dataset_id, name, self.url + file_path, hashlib.md5(content).hexdigest(), target
        )
        self.responses[self.description_path(dataset_id)] = Response(
            200, description.encode("utf-8"), "text/xml; charset=utf-8"
        )
        return file_path

    def start(self) -> None:
        """Serve requests in a background thread."""
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="openml-test-server",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the port. A second call does nothing."""
        if self._closed:
            return
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=10)
        self._httpd.server_close()
        self._closed = True


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        server: OpenMLTestServer = self.server.openml_server
        path = self.path.split("?", 1)[0]
        server.requests.append(path)
        response = server.responses.get(path, Response(404, b"Not Found"))

        body = response.body
        compress = "gzip" in self.headers.get("Accept-Encoding", "")
        if compress:
            body = gzip.compress(body)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(body)))
        if compress:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:
        # The test records requests in OpenMLTestServer.requests instead.
        pass
