"""Issue 12: the welcome text a consumer reads names only menu items the consumer has."""
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import InfoPageVersion
from workflows.pages import service

#: «выберите пункт меню «…»», «в разделе «…»»: an instruction and the menu item it names
INSTRUCTION = re.compile(r"\b(?:выберите(?:\s+пункт\s+меню)?|пункт\s+меню|в\s+разделе|раздел)\s*:?\s*(«[^»]*»|\S+)",
                         re.IGNORECASE)


class PageParts(HTMLParser):
    """The text of the welcome block (data-test=page-body) and the labels of every other link."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.body_depth = 0
        self.in_link = False
        self.body, self.links = [], []

    def handle_starttag(self, tag, attrs):
        if self.body_depth:
            self.body_depth += tag not in ("br", "img", "hr", "input")
        elif dict(attrs).get("data-test") == "page-body":
            self.body_depth = 1
        elif tag == "a":
            self.in_link = True
            self.links.append("")

    def handle_endtag(self, tag):
        if self.body_depth:
            self.body_depth -= 1
        elif tag == "a":
            self.in_link = False

    def handle_data(self, data):
        if self.body_depth:
            self.body.append(data)
        elif self.in_link:
            self.links[-1] += data


def welcome_and_menu(html: str) -> tuple[str, set[str]]:
    parts = PageParts()
    parts.feed(html)
    text = re.sub(r"\s+", " ", " ".join(parts.body))
    return text, {re.sub(r"\s+", " ", label).strip() for label in parts.links}


def named_items(text: str) -> list[str]:
    return [target for target in INSTRUCTION.findall(text)]


def test_the_checker_catches_an_item_that_is_not_quoted_or_not_in_the_menu():
    old = ("Чтобы подать заявку, выберите пункт меню: Документооборот. Чтобы изменить регистрационные данные, "
           "выберите Данные")
    assert named_items(old) == ["Документооборот.", "Данные"]
    assert named_items("выберите пункт меню «Подать заявку», затем в разделе «Мои заявки»") == [
        "«Подать заявку»", "«Мои заявки»"]


@pytest.mark.parametrize("path", ["/", "/page/info"])
def test_every_menu_item_the_welcome_text_names_is_in_the_consumer_s_menu(client, login, pages, consumer,
                                                                         reference_data, path):
    login(consumer)
    text, links = welcome_and_menu(client.get(path).text)
    named = named_items(text)
    assert len(named) >= 3, text  # it does tell the consumer where to go
    for target in named:
        assert target.startswith("«") and target.endswith("»"), f"not a quoted menu item: {target!r} in {text!r}"
        assert target.strip("«»") in links, f"{target} is not in the consumer's menu {sorted(links)}"


def test_an_untouched_default_text_of_round_1_is_replaced_and_an_admin_s_text_kept(ctx, pages, org_admin):
    page = service.get_page("info")
    page.published_version.body_html = service.FORMER_DEFAULTS["info"][0]
    db.session.commit()
    service.seed_system_pages()
    db.session.commit()
    assert service.get_page("info").published_version.body_html == service.DEFAULT_TEXTS["info"]
    own = service.save_draft(page, page.title, "<p>Наш текст: выберите «Мои заявки»</p>", actor=org_admin)
    service.publish(page, own, actor=org_admin)
    db.session.commit()
    versions = db.session.scalar(select(db.func.count(InfoPageVersion.id)))
    service.seed_system_pages()
    db.session.commit()
    assert service.get_page("info").published_version_id == own.id
    assert db.session.scalar(select(db.func.count(InfoPageVersion.id))) == versions
