"""«Подать заявление» and «Мои заявления» (E2, seed 004 §2.11). Thin: the rules live in
workflows/statements/ (filing.py, types.py, queries.py); a sent statement's page is the consumer's
application page (ConsumerApplicationsView.show), where its documents — the filled statement's
PDF among them — are downloaded, through app.security.access like every application's."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.paging import page_number
from app.security.roles import CONSUMER
from app.web import form_tokens
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.statements import StatementForm, TopicForm, own_fields_form, own_values, show_own_errors
from workflows.statements import filing, queries, types

PERMISSION = "StatementCabinet"
MENU_NEW = "Подать заявление"
MENU_MINE = "Мои заявления"
#: «Мои данные»: a statement needs them filled in, like every application
PROFILE_URL = "/my/profile/"
PRIVACY_URL = "/page/privacy"


def _id(raw) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


@one_permission
class StatementsView(BaseView):
    """The consumer's statements and the form that sends one."""

    route_base = "/my/statements"
    class_permission_name = PERMISSION
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        page = queries.my_statements(current_user, page_number())
        return self.render_template("statements/index.html", page=page)

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        posted = request.method == "POST"
        code = (request.form if posted else request.args).get("topic")
        shown = filing.statement_form(current_user, code, _id(request.form.get("account_id")) if posted else None)
        form = StatementForm() if posted else StatementForm(formdata=None)
        form.setup(shown.accounts, shown.suppliers, shown.requisites)
        form.topic.data = shown.topic.code if shown.topic else ""
        own = own_fields_form(shown.own_fields, request.form if posted else None)
        topic_form = TopicForm().setup(shown.topics, form.topic.data)
        form_error = None
        if posted:
            done, form_error = self._file(form, own, topic_form)
            if done is not None:
                return done
        return self.render_template("statements/new.html", s=shown, form=form, own=own, topic_form=topic_form,
                                    form_error=form_error, profile_url=PROFILE_URL, privacy_url=PRIVACY_URL), \
            200 if form_error is None else 400

    def _file(self, form: StatementForm, own, topic_form: TopicForm):
        """(the redirect after sending, None) or (None, a message for the whole form); what was
        typed stays in the form either way."""
        if not form.validate_on_submit():
            return None, _("Форма устарела: обновите страницу и отправьте заявление еще раз")
        readable = own.validate()
        values = dict(code=form.topic.data, own=own_values(own), requisites=form.requisites_values(),
                      text=form.text.data or "", consent=bool(form.consent.data), files=form.files.data)
        if not readable:  # a value typed wrong (a date, a number): shown with every other refusal
            self._show(filing.refusals(current_user, **values), form, own, topic_form)
            return None, _("Проверьте правильность заполнения полей")
        repeat = form_tokens.claim(current_user, fallback=url_for(".index"))
        if repeat is not None:  # a double click: the statement is sent already
            return repeat, None
        try:
            application = filing.file_statement(current_user, **values)
        except filing.ApplicationError as exc:  # a field, the files, or «Мои данные» incomplete
            refused(exc, flash_message=False)
            self._show(exc.field_errors or {}, form, own, topic_form)
            return None, exc.message
        target = url_for("ConsumerApplicationsView.show", application_id=application.id)
        form_tokens.produced(target)
        flash(_(filing.MSG_ACCEPTED) + " " + _("Номер заявления: %(number)s", number=application.number), "success")
        return redirect(target), None

    @staticmethod
    def _show(errors: dict, form: StatementForm, own, topic_form: TopicForm) -> None:
        if "topic" in errors:
            topic_form.topic.errors = [errors["topic"]]
        form.show_errors({k: v for k, v in errors.items() if k != "topic"})
        show_own_errors(own, errors)


VIEWS = (StatementsView,)
MENU_LINKS = ((MENU_NEW, "/my/statements/new", "fa-pencil-square-o"), (MENU_MINE, "/my/statements/", "fa-file-text-o"))
PERMISSIONS: dict = {CONSUMER: [("can_access", PERMISSION), ("menu_access", MENU_NEW), ("menu_access", MENU_MINE)]}
SEEDERS = (types.seed_statement_types,)
