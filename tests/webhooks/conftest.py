"""A real HTTP receiver on 127.0.0.1 (http.server in a thread) that records each request and
answers with the statuses it is told, in order ("hang": no answer until the test ends)."""

import http.server
import threading

import pytest


class Receiver:
    def __init__(self):
        self.answers: list = []
        self.received: list[dict] = []
        self.release = threading.Event()
        self.holding = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append(
                    {"body": body, "headers": {k.lower(): v for k, v in self.headers.items()}}
                )
                answer = receiver.answers.pop(0) if receiver.answers else 200
                if answer == "hang":  # no answer at all
                    receiver.release.wait(30)
                    return
                if answer == "hold":  # a 200, once the test releases it
                    receiver.holding.set()
                    receiver.release.wait(30)
                    answer = 200
                self.send_response(answer)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    running = Receiver().start()
    yield running
    running.stop()
