"""Keyboard only (ГОСТ Р 52872-2019 / WCAG 2.1.1, 2.4.1, 2.4.3, 2.4.7): Tab reaches the login
form's controls, the skip link, every link of the consumer's main menu and every control of a
draft in order; each focused element shows a visible focus ring; the forms work with Tab and
Enter alone (issue 12, «Доступно всем»)."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Application
from tests.browser_helpers import _reset_rate_limits, browser_login
from tests.foundation.portal_pages import DEMO_PASSWORD, ROLE_EMAILS

pytestmark = pytest.mark.browser

#: what has focus now, and whether its focus can be seen (outline or box-shadow)
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  return {order: e.dataset.kbOrder || null, tag: e.tagName.toLowerCase(), name: e.name || null,
          href: e.getAttribute('href'), text: (e.innerText || e.value || '').trim().slice(0, 40),
          visible_focus: outline || (s.boxShadow && s.boxShadow !== 'none')};
}"""

#: number the controls a keyboard user must reach, in document order (the expected Tab order)
MARK = """selector => {
  const shown = e => e.offsetParent !== null && !e.disabled && e.type !== 'hidden' && e.tabIndex >= 0;
  const seenRadio = new Set();
  const controls = Array.from(document.querySelectorAll(selector)).filter(shown).filter(e => {
    if (e.type !== 'radio') return true;
    if (seenRadio.has(e.name)) return false;  // Tab enters a radio group once; arrows move inside it
    seenRadio.add(e.name); return true;
  });
  controls.forEach((e, i) => { e.dataset.kbOrder = String(i); });
  return controls.map(e => e.name || e.getAttribute('href') || e.innerText.trim());
}"""


def focused(page):
    return page.evaluate(FOCUSED)


def tab_through(page, count_expected, limit=80):
    """Press Tab until every marked control had focus (or `limit` presses): what got focus."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        seen.append(now)
        if now and now["order"] == str(count_expected - 1):
            break
    return seen


def assert_in_order_and_visible(seen, expected, where):
    reached = [int(s["order"]) for s in seen if s and s["order"] is not None]
    reached = [n for i, n in enumerate(reached) if i == 0 or reached[i - 1] != n]  # a date input's day, month, year
    assert reached == list(range(len(expected))), f"{where}: Tab reached {reached} of {expected}; focus went {seen}"
    hidden = [s for s in seen if s and not s["visible_focus"]]
    assert hidden == [], f"{where}: focus not visible on {hidden}"


def test_login_form_by_keyboard_alone(live_server, page, portal):
    _reset_rate_limits()
    page.goto(f"{live_server}/login/")
    expected = page.evaluate(MARK, ".kb-page form[method=post] :is(input, button, select, textarea, a[href])")
    assert expected[:2] == ["username", "password"], expected
    page.focus("[data-kb-order='0']")
    seen = [focused(page)] + tab_through(page, len(expected))
    assert_in_order_and_visible(seen, expected, "/login/")

    page.focus("input[name=username]")
    page.keyboard.type(ROLE_EMAILS["Consumer"])
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "/login" not in page.url and page.locator("form[action='/logout/']").count() >= 1


def test_skip_link_and_main_menu_by_keyboard(live_server, page, portal):
    browser_login(page, live_server, ROLE_EMAILS["Consumer"], DEMO_PASSWORD)
    page.goto(f"{live_server}/my/applications/")
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip and skip["tag"] == "a" and (skip["href"] or "").startswith("#") and skip["visible_focus"], skip
    page.keyboard.press("Enter")
    page.wait_for_timeout(100)
    inside_main = page.evaluate("""href => { const target = document.querySelector(href);
        return !!target && target.contains(document.activeElement) && !!target.querySelector('h1, h2'); }""",
                                skip["href"])
    assert inside_main, "the skip link does not move focus to the content"

    page.goto(f"{live_server}/my/applications/")
    expected = page.evaluate(MARK, "nav a[href], nav button")
    # the menu row's entries and the toggles of its dropdowns («Заявки» holds «Мои заявки»);
    # opening one from the keyboard: tests/layout/test_layout_browser.py
    assert any("/my/appeals" in (e or "") for e in expected) and any("Заявки" in (e or "") for e in expected), expected
    seen = tab_through(page, len(expected))
    assert_in_order_and_visible(seen, expected, "main menu")


def test_draft_form_by_keyboard_alone(live_server, page, portal):
    draft = db.session.scalar(select(Application.id).where(Application.submitted_at.is_(None)))
    browser_login(page, live_server, ROLE_EMAILS["Consumer"], DEMO_PASSWORD)
    page.goto(f"{live_server}/my/applications/{draft}/edit")
    expected = page.evaluate(MARK, "#application-form :is(input, select, textarea, button), "
                                   "[form=application-form]")
    assert len(expected) >= 3, expected
    page.focus("[data-kb-order='0']")
    seen = [focused(page)] + tab_through(page, len(expected))
    assert_in_order_and_visible(seen, expected, "draft form")

    first_text = page.locator("#application-form :is(input[type=text], textarea)").first
    first_text.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Набрано с клавиатуры")
    page.focus("[data-test=save-draft]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.locator("#application-form :is(input[type=text], textarea)").first.input_value() == "Набрано с клавиатуры"
