"""«Опросы» in the consumer's cabinet (seed 004 §2.15, seed 002 «принять участие в целевом опросе
для оценки качества оказываемых услуг и обслуживания»): the surveys addressed to the consumer,
a survey's form and «Спасибо за участие в опросе»; a second answer is refused.

The menu entry is shown only while a published survey in its period addresses the consumer:
the menu asks workflows.surveys.targeting.has_open_surveys once per request (registered below
with app.core.templating.show_menu_entry_when; the hidden entries are part of the menu's cache
key). Thin: workflows/surveys/answering.py decides; every survey route goes through
app.security.access.ensure_consumer_survey (404 for anyone else).
"""
from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import Conflict, Invalid
from app.core.templating import show_menu_entry_when
from app.security.access import current_consumer
from app.security.roles import CONSUMER
from app.web import form_tokens
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.surveys import ButtonForm
from workflows.surveys import answering, rules
from workflows.surveys.targeting import has_open_surveys

PERMISSION = "ConsumerSurveys"
MENU = "Опросы"
URL = "/my/surveys/"


@one_permission
class MySurveysView(BaseView):
    """The consumer's surveys and their answers."""

    route_base = "/my/surveys"
    class_permission_name = PERMISSION
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        current_consumer(current_user) or abort(404)
        return self.render_template("surveys/cabinet/list.html", entries=answering.my_surveys(current_user))

    def _render(self, page, *, typed=None, errors=None, status=200):
        return self.render_template("surveys/cabinet/survey.html", p=page, values=typed or page.values,
                                    errors=errors or {}, form=ButtonForm(), field_name=answering.field_name,
                                    kinds=rules.KIND_LABELS), status

    @expose("/<int:survey_id>", methods=["GET", "POST"])
    @has_access
    def survey(self, survey_id):
        page = answering.survey_page(current_user, survey_id)
        if request.method != "POST":
            return self._render(page)
        given = request.form.to_dict(flat=False)
        typed = {question.id: given.get(answering.field_name(question.id), []) for question in page.survey.questions}
        if not ButtonForm().validate_on_submit():  # the CSRF token is missing or stale
            return self._render(page, typed=typed, errors={"form": _("Страница устарела. Отправьте ответы еще раз.")},
                                status=400)
        back = url_for(".survey", survey_id=survey_id)
        repeat = form_tokens.claim(current_user, fallback=back)
        if repeat is not None:  # a double click: answered already
            return repeat
        try:
            answering.submit_answers(current_user, survey_id, given)
        except answering.AnswersRefused as exc:  # what was typed stays, each message under its question
            refused(exc, flash_message=False)
            return self._render(page, typed=typed, errors={"form": exc.message, **exc.field_errors}, status=400)
        except (Conflict, Invalid) as exc:  # answered meanwhile (another tab) or closed: the page as it is now
            refused(exc)
            return redirect(back)
        form_tokens.produced(back)
        flash(_(rules.MSG_THANKS), "success")
        return redirect(back)


def _open_for_current_consumer() -> bool:
    return has_open_surveys(current_consumer(current_user))


def register_menu_condition(appbuilder) -> None:
    """«Опросы» shows in the consumer's menu only while a survey in its period addresses them."""
    show_menu_entry_when(current_app, MENU, _open_for_current_consumer)


VIEWS = (MySurveysView,)
MENU_LINKS = ((MENU, URL, "fa-check-square-o"),)
PERMISSIONS: dict = {CONSUMER: [("can_access", PERMISSION), ("menu_access", MENU)]}
