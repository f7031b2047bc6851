"""E6 demo content: every section has something to show after `flask kabinet demo`, once."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import InfoPage
from workflows.pages import content
from workflows.pages.demo import create_demo_sections
from workflows.pages.promotions import has_current_promotions


def test_demo_fills_every_section_once(ctx):
    assert create_demo_sections() is True
    db.session.commit()
    assert create_demo_sections() is False
    counts = dict(db.session.execute(select(InfoPage.section, func.count()).group_by(InfoPage.section)
                                     .where(InfoPage.section.is_not(None))).all())
    assert counts == {"faq": 5, "promotion": 2, "energy_org": 2, "catalogue": 3}
    assert [page.title for page in content.current_promotions()] == ["Скидка 10 % на замену прибора учета"]
    assert has_current_promotions()
    categories = [group.category for group in content.faq_groups()]
    assert categories == ["Приборы учета", "Оплата", "Заявки"]
    assert len(content.faq_groups("оплатить")[0].entries) == 1
