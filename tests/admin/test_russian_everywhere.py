"""The whole UI in Russian (issue 12): every page of every role is walked (the pages of the
CSP test, tests/foundation/portal_pages.py) and the text a person sees — page text, tooltips,
placeholders, button captions, confirmation prompts — must hold none of FAB's English strings."""
import json
import re
from html.parser import HTMLParser

import pytest

from app.security.roles import ADMIN, CONSUMER, ORG_ADMIN, STAFF
from tests.foundation.portal_pages import START_PAGES, pages_of_role, prepare_portal_data

#: FAB's English msgids (its templates and catalogue) and codes that leaked into screens
ENGLISH = [
    "Add", "Edit", "Show", "Delete", "Search", "List", "Actions", "Record Count", "No records found",
    "Select Value", "Remove all items", "Cancel", "Save", "Back", "Refresh", "User's Statistics",
    "Reset Password", "Reset my password", "Profile", "Logout", "Login", "Security", "List Users",
    "List Roles", "Groups", "True", "False", "None", ADMIN, STAFF, ORG_ADMIN, CONSUMER,
    "Are you sure you want to delete this item?", "Delete record", "Show record", "Edit record",
    "Add a new record", "Add Filter", "Page size", "Sort", "Permissions", "Roles", "User info",
    "First Name", "Last Name", "User Name", "Active", "Role", "Login count", "Failed login count",
    "Created on", "Changed on", "Last login", "Record", "Filter", "string", "decimal", "richtext",
    "Label", "Description", "Users", "Name", "Permission", "Normal", "Heading",
]
#: fragments that are English wherever they appear in visible text
FRAGMENTS = ["can_", "can ", "menu_access", "View menu"]
PATTERN = re.compile("|".join([rf"(?<![\w@.-]){re.escape(word)}(?![\w@-])" for word in sorted(ENGLISH, key=len, reverse=True)]
                              + [re.escape(fragment) for fragment in FRAGMENTS]))
#: attributes a person reads (tooltips, placeholders, captions, the confirm prompt)
SEEN_ATTRIBUTES = {"title", "placeholder", "data-placeholder", "alt", "aria-label", "data-confirm",
                   "data-original-title", "data-text"}
INVISIBLE = {"script", "style", "template"}


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._hidden, self._json = [], 0, False

    def handle_starttag(self, tag, attrs):
        if tag in INVISIBLE:
            self._hidden += 1
            self._json = tag == "script" and dict(attrs).get("type") == "application/json"
        for name, value in attrs:
            if value and (name in SEEN_ATTRIBUTES
                          or (name == "value" and tag == "input"
                              and dict(attrs).get("type") in ("submit", "button", "reset"))):
                self.parts.append(value)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in INVISIBLE:
            self._hidden -= 1

    def handle_endtag(self, tag):
        if tag in INVISIBLE and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if self._hidden and self._json:  # texts and HTML that page scripts show (FAB's search filters)
            self.parts.extend(_shown_by_script(json.loads(data)))
        elif not self._hidden and data.strip():
            self.parts.append(data.strip())


def _shown_by_script(value) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in _shown_by_script(item)]
    if isinstance(value, list):
        return [text for item in value for text in _shown_by_script(item)]
    if isinstance(value, str) and "<" in value:
        parser = VisibleText()
        parser.feed(value)
        return parser.parts
    return [value] if isinstance(value, str) else []


def english_words(html: str) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    return {match.group(0) for part in parser.parts for match in PATTERN.finditer(part)}


def test_the_finder_sees_text_and_tooltips_not_code():
    assert english_words('<p>Record Count: 3</p><a title="Show record" href="/x/show/1">'
                         '<i class="fa fa-search"></i></a>') == {"Record Count", "Show record"}
    assert english_words("<td>True</td><td>None</td><span>['Staff', 'OrgAdmin']</span>") == {
        "True", "None", STAFF, ORG_ADMIN}
    assert english_words('<li>can show on UserDBModelView</li>') == {"can "}
    assert english_words('<script type="application/json">{"roles": "<select><option>Staff</option></select>"}'
                         '</script>') == {STAFF}
    assert english_words('<a class="btn Add" href="/users/add" data-toggle="Edit">Добавить</a>'
                         '<script>var Delete = 1;</script><td>admin@demo.kabinet</td>') == set()


@pytest.fixture
def portal_data(ctx):
    prepare_portal_data()


@pytest.mark.parametrize("role", list(START_PAGES))
def test_every_page_of_every_role_is_in_russian(app, client, login, portal_data, role):
    _, pages = pages_of_role(app, client, login, role)
    assert len(pages) > 5
    english = {url: sorted(found) for url, response, html in pages
               if response.status_code < 500 and (found := english_words(html))}
    assert english == {}, f"{role}: English on {len(english)} of {len(pages)} pages: " + "; ".join(
        f"{url}: {', '.join(found)}" for url, found in list(english.items())[:25])
