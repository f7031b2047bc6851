"""A consumer's browser for the meters benchmark (bench/meters_submit.py): one keep-alive HTTP
connection, the session cookie kept as the server sets it, the page's forms read from its HTML
(inputs, their values, the CSRF token). Standard library only. Not part of the test suite."""
import http.client
import time
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


class Forms(HTMLParser):
    """Every <form> of a page: {"method", "action", "fields": [(name, type, value)]}."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "",
                          "fields": []}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "select", "button") and a.get("name"):
            kind = (a.get("type") or ("submit" if tag == "button" else "text")).lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                kind = f"{kind}-unchecked"
            self._form["fields"].append((a["name"], kind, a.get("value") or ""))
        elif self._form is not None and tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form["fields"].append((a["name"], "textarea", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


class Browser:
    """One consumer: a session cookie and a keep-alive connection to `base`."""

    def __init__(self, base: str, cookie: str):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookie = cookie
        self.conn = None

    def _connection(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        return self.conn

    def request(self, method: str, path: str, form: list[tuple[str, str]] | None = None):
        """(status, Location, body text, seconds); reconnects once if the server closed the connection."""
        headers = {"Cookie": f"session={self.cookie}"}
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                conn = self._connection()
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2 or method == "POST":
                    raise
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie(header)
            if "session" in jar:
                self.cookie = jar["session"].value
        if response.headers.get("Connection", "").lower() == "close":
            self.close()
        return response.status, response.headers.get("Location"), text, elapsed

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None
