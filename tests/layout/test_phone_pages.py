"""Every main consumer page is usable on a phone (375×740, headless Chromium), as the demo ФЛ
sees it: nothing scrolls sideways (neither the page nor a box in it), and everything the
consumer taps is at least 44 px high — the opened «Меню» too.

The tap-target rule (WCAG 2.5.5 at 44 px, with 2.5.8's exceptions):
- checked: every visible a, button, input, select, textarea, and the label of a checkbox or
  radio (the label is what a finger taps), at least 44 px high; an icon-only button or link
  (no text) at least 44 px wide as well;
- not checked: a link inside running text — WCAG 2.5.8's "inline" exception: an `a` whose
  parent has text of its own beside it, or that sits in a p, small, .help-block or label (a
  consent's «согласие» link); hidden inputs, the skip link (off screen until focused), and a
  checkbox or radio itself when its label is what is checked. A link alone in a table cell, a
  list item, a heading or a panel's footer is a table action or a menu entry: checked.
Offenders are reported per page: its address, then each element's tag, text and size.
"""
import re

import pytest

from tests.browser_helpers import browser_login
from tests.foundation.portal_pages import DEMO_PASSWORD, ROLE_EMAILS, prepare_portal_data

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
MIN_TAP = 44

#: the consumer's pages: an address, or (a list's address, the pattern of a link on it to follow)
PAGES = [
    "/personal-accounts/",
    ("/personal-accounts/", r"^/personal-accounts/\d+/$"),
    ("/personal-accounts/", r"^/personal-accounts/\d+/details$"),
    ("/personal-accounts/", r"^/personal-accounts/\d+/charges$"),
    ("/personal-accounts/", r"^/personal-accounts/\d+/meters$"),
    ("/personal-accounts/", r"^/personal-accounts/\d+/readings$"),
    "/my/applications/",
    ("/my/applications/", r"^/my/applications/\d+$"),
    "/my/appeals/",
    "/my/appeals/new",
    ("/my/appeals/", r"^/my/appeals/\d+$"),
    ("/my/statements/new", r"^/my/statements/new\?topic=.+"),
    "/my/statements/",
    "/my/documents/",
    "/my/documents/upload",
    "/my/appointments/",
    "/my/appointments/new",
    "/my/callbacks/new",
    "/my/surveys/",
    ("/my/surveys/", r"^/my/surveys/\d+$"),
    "/my/notifications/",
    "/my/notifications/settings/",
    "/my/profile/",
    "/faq/",
    "/contacts/",
    "/promotions/",
    "/catalogue/",
]

#: what a finger taps on the page, and what is too small of it (see the module's docstring)
SMALL_TARGETS = """(minimum) => {
  const inline = (el) => {
    if (el.tagName !== 'A') return false;
    if (el.closest('p, small, .help-block, label')) return true;
    const parent = el.parentElement;
    const own = [...parent.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    return own.length > 0;
  };
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && !el.closest('[hidden]');
  };
  const targets = [...document.querySelectorAll('a[href], button, input, select, textarea, label')].filter(el => {
    if (el.tagName === 'INPUT' && ['hidden', 'checkbox', 'radio'].includes(el.type)) {
      return el.type !== 'hidden' && !el.labels?.length;
    }
    if (el.tagName === 'LABEL') {
      const control = el.control;
      return control && ['checkbox', 'radio'].includes(control.type);
    }
    return !el.classList.contains('kb-skip');
  });
  return targets.filter(el => visible(el) && !inline(el)).map(el => {
    const box = el.getBoundingClientRect();
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim();
    const iconOnly = ['A', 'BUTTON'].includes(el.tagName) && !el.innerText.trim();
    const small = box.height < minimum - 0.5 || (iconOnly && box.width < minimum - 0.5);
    return small ? `${el.tagName.toLowerCase()} «${text.slice(0, 40)}» ${Math.round(box.width)}×${Math.round(box.height)}` : null;
  }).filter(Boolean);
}"""


@pytest.fixture
def portal(ctx):
    """The demo portal (tests/foundation/portal_pages.py): the demo ФЛ with accounts, applications,
    appeals, a survey, documents, appointments and filled sections."""
    prepare_portal_data()


#: boxes of the page that scroll sideways themselves (a wide table in .table-responsive)
INNER_SCROLLERS = """() => [...document.querySelectorAll('.kb-main *')].filter(el =>
    ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1
    && el.getBoundingClientRect().height > 0
  ).map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} scrolls sideways: ${el.scrollWidth}px in ${el.clientWidth}px`)"""

#: where the page leads: its links, and each choice of a GET form's list (a topic, say)
ADDRESSES = """() => [
  ...[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href').split('#')[0]),
  ...[...document.querySelectorAll('form[method=get] select option[value]:not([value=""])')].map(option =>
      option.form.getAttribute('action') + '?' + option.closest('select').name + '=' + option.value),
]"""


def _address(page, base, entry):
    if isinstance(entry, str):
        return entry
    listing, pattern = entry
    page.goto(base + listing, wait_until="load")
    hrefs = page.evaluate(ADDRESSES)
    found = next((href for href in hrefs if re.match(pattern, href)), None)
    assert found, f"no link {pattern} on {listing}"
    return found


def test_every_consumer_page_fits_a_phone_and_its_targets_take_a_finger(live_server, page, portal):
    page.set_viewport_size(PHONE)
    browser_login(page, live_server, ROLE_EMAILS["Consumer"], DEMO_PASSWORD)
    offenders = {}
    for entry in PAGES:
        address = _address(page, live_server, entry)
        response = page.goto(live_server + address, wait_until="load")
        assert response.ok, (address, response.status)
        problems = []
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"scrolls sideways: {width}px wide")
        problems += page.evaluate(INNER_SCROLLERS)
        problems += page.evaluate(SMALL_TARGETS, MIN_TAP)
        if problems:
            offenders[address] = problems
    page.click("[data-test=menu-toggle]")
    page.locator("#kb-menu a").first.wait_for(state="visible")
    if small := page.evaluate(SMALL_TARGETS, MIN_TAP):
        offenders["«Меню» opened"] = small
    report = "\n".join(f"{address}:\n  " + "\n  ".join(problems) for address, problems in offenders.items())
    assert not offenders, "\n" + report
