"""A webhook receiver for the tests: a tiny threaded WSGI server on a free port of 127.0.0.1 that
keeps every request and answers from a plan (status, seconds to wait first), then 200."""
import threading
import time
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _Threading(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@dataclass
class Received:
    headers: dict
    body: bytes


@dataclass
class Receiver:
    plan: list = field(default_factory=list)
    requests: list = field(default_factory=list)
    url: str = ""

    def __call__(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        headers = {key[5:].replace("_", "-").title(): value for key, value in environ.items() if key.startswith("HTTP_")}
        self.requests.append(Received(headers, body))
        status, wait = self.plan.pop(0) if self.plan else (200, 0)
        time.sleep(wait)
        extra = [("Location", self.url + "elsewhere")] if 300 <= status < 400 else []
        start_response(f"{status} X", [("Content-Type", "text/plain")] + extra)
        return [b"ok"]


def start_receiver():
    """(receiver, server): call server.shutdown() when done."""
    receiver = Receiver()
    server = make_server("127.0.0.1", 0, receiver, server_class=_Threading, handler_class=_Quiet)
    receiver.url = f"http://127.0.0.1:{server.server_port}/hooks/"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return receiver, server
