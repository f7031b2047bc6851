"""Browser journey (E1): a consumer writes an appeal with a file, staff find it under «Обращения»
in their queue and answer it, the consumer reads the answer on the appeal's card."""
import pytest

from tests.appeals import builders
from tests.browser_helpers import browser_login, browser_logout
from tests.factories import PASSWORD, make_staff

pytestmark = pytest.mark.browser

ANSWER = "Перерасчет выполнен, сумма уменьшена на 312,40 руб."


def test_write_answer_read(live_server, page, ctx, reference_data, tmp_path):
    w = builders.world()
    staff = make_staff()
    scan = tmp_path / "квитанция.pdf"
    scan.write_bytes(builders.PDF)
    consumer_email, staff_email = w["owner"].email, staff.email

    browser_login(page, live_server, consumer_email, PASSWORD)
    page.goto(f"{live_server}/my/appeals/new")
    assert page.input_value("input[name=full_name]") == "Петров Петр Петрович"
    page.select_option("select[name=topic_id]", label="Жалоба")
    page.fill("textarea[name=text]", builders.TEXT)
    page.set_input_files("input[name=files]", str(scan))
    with page.expect_navigation():
        page.click("[data-test=appeal-submit]")
    assert "Ваше обращение принято в работу." in page.inner_text("body")
    number = page.inner_text("h1").split("№")[-1].strip()
    assert page.locator("[data-test=attachment]").inner_text() == "квитанция.pdf"
    browser_logout(page, live_server)

    browser_login(page, live_server, staff_email, PASSWORD)
    page.goto(f"{live_server}/staff/queue/")
    page.check("[data-test=kind-appeal]")
    with page.expect_navigation():
        page.click("form[data-test=queue-filters] button[type=submit]")
    row = page.locator("[data-test=queue-row]", has_text=number)
    with page.expect_navigation():
        row.locator("[data-test=open]").click()
    page.select_option("select[name=transition_id]", label="Дать ответ → Ответ дан")
    page.fill("textarea[name=comment]", ANSWER)
    with page.expect_navigation():
        page.click("[data-test=save]")
    browser_logout(page, live_server)

    browser_login(page, live_server, consumer_email, PASSWORD)
    page.goto(f"{live_server}/my/appeals/")
    assert "Ответ дан" in page.inner_text("[data-test=appeals]")
    with page.expect_navigation():
        page.click("[data-test=topic]")
    assert ANSWER in page.inner_text("[data-test=org-answer]")
