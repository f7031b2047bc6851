"""No page runs inline script (issue 10, point 13): the CSP's `script-src 'self'` would block
it, so a page that still has some is broken. Every page of every role is rendered (Kabinet's
templates and the FAB screens it serves) and checked for `<script>` without `src` (JSON data
blocks excepted), `on…=` handlers and `javascript:` addresses."""
import re
from html.parser import HTMLParser

import pytest

from tests.foundation.portal_pages import START_PAGES, pages_of_role

DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background"}


class InlineScriptFinder(HTMLParser):
    """Everything in a page a browser would run from the page itself."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src") \
                and (attributes.get("type") or "").strip().lower() not in DATA_SCRIPT_TYPES:
            self.found.append(f"<script> at line {self.getpos()[0]}")
        for name, value in attrs:
            if re.fullmatch(r"on[a-z]+", name):
                self.found.append(f"<{tag} {name}=…> at line {self.getpos()[0]}")
            elif name in URL_ATTRIBUTES and re.sub(r"[\s\x00-\x1f]", "", value or "").lower().startswith(
                    "javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…> at line {self.getpos()[0]}")

    handle_startendtag = handle_starttag


def inline_script(html: str) -> list[str]:
    finder = InlineScriptFinder()
    finder.feed(html)
    return finder.found


def test_the_finder_finds_what_the_csp_blocks():
    assert inline_script('<p><script>alert(1)</script></p>') == ["<script> at line 1"]
    assert inline_script('<script type="text/javascript">x()</script>') != []
    assert inline_script('<button onclick="x()">') == ["<button onclick=…> at line 1"]
    assert inline_script('<form onsubmit="return confirm(1)">') != []
    assert inline_script('<a href=" JavaScript:alert(1)">') != []
    assert inline_script('<script src="/static/js/kabinet.js"></script>'
                         '<script type="application/json" id="d">{"a": 1}</script>'
                         '<a href="/my/" data-confirm="Удалить?" class="one">') == []


@pytest.mark.parametrize("role", list(START_PAGES))
def test_no_page_of_any_role_has_inline_script(app, client, login, portal, role):
    start, pages = pages_of_role(app, client, login, role)
    rendered = {url for url, response, _ in pages if response.status_code < 400}
    unreached = [url for url in start if url not in rendered and url != "/no-such-page/"]
    assert unreached == [], f"{role}: start pages that did not render: {unreached}"
    failed = {url: response.status_code for url, response, _ in pages if response.status_code >= 500}
    assert failed == {}, f"{role}: pages that failed"
    problems = {url: found for url, _, html in pages if (found := inline_script(html))}
    assert problems == {}, f"{role}: inline script on {len(problems)} of {len(pages)} pages: " + "; ".join(
        f"{url}: {', '.join(found[:3])}" for url, found in list(problems.items())[:10])


def test_fab_lists_and_the_not_found_page_are_among_the_checked(app, client, login, portal):
    _, pages = pages_of_role(app, client, login, "Admin")
    statuses = {url: response.status_code for url, response, _ in pages}
    assert statuses.get("/admin/statuses/list/") == 200
    assert any(url.startswith("/admin/statuses/edit/") for url in statuses)
    assert len(pages) > 60
    _, anonymous = pages_of_role(app, client, login, None)
    assert {url: response.status_code for url, response, _ in anonymous}["/no-such-page/"] == 404
