"""«Реквизиты лицевого счета» (D4): the account's requisites, services, meters and tariffs with
their documents; «Редактировать» files the data-change statement. And the admins'
«Документы об утверждении тарифов». Thin: the rules live in workflows/billing/details.py and
data_change.py; every account route goes through app.security.access.ensure_linked_account."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import Invalid
from app.core.files import send_stored
from app.core.paging import page_number
from app.security.roles import CONSUMER, ORG_ADMIN
from app.web import form_tokens
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.billing.details import DataChangeForm, PeriodForm, TariffDocumentForm
from workflows.billing import data_change, details

PERMISSION = "AccountDetails"
ADMIN_PERMISSION = "TariffDocuments"
ADMIN_MENU = "Документы об утверждении тарифов"
PER_PAGE = 50
#: «Мои данные»: a statement needs them filled in, like every application
PROFILE_URL = "/my/profile/"


@one_permission
class AccountDetailsView(BaseView):
    """The consumer's «Реквизиты лицевого счета», the statement form and the tariff documents."""

    route_base = "/personal-accounts"
    class_permission_name = PERMISSION
    default_view = "details"

    @expose("/<int:account_id>/details")
    @has_access
    def details(self, account_id):
        chosen = "period_from" in request.args or "period_to" in request.args
        form = PeriodForm(formdata=request.args if chosen else None)
        valid = form.validate() if chosen else True
        first, last = (form.period_from.data, form.period_to.data) if chosen and valid else (None, None)
        result = details.account_details(current_user, account_id, first, last)
        if not chosen:
            form.period_from.data, form.period_to.data = details.default_period()
        for name, message in result.period_errors.items():
            getattr(form, name).errors.append(message)
        return self.render_template("billing/details/details.html", d=result, form=form,
                                    show_history=valid and not result.period_errors,
                                    earliest=details.earliest_month())

    @expose("/<int:account_id>/change", methods=["GET", "POST"])
    @has_access
    def change(self, account_id):
        account, values, missing_profile = data_change.statement_form(current_user, account_id)
        if request.method == "POST":
            form = DataChangeForm()
        else:
            form = DataChangeForm(formdata=None, data=DataChangeForm.initial(values))
        form.offer_stove_types(account.stove_type)
        form_error = None
        if request.method == "POST":
            done, form_error = self._file(account_id, form)
            if done is not None:
                return done
        return self.render_template("billing/details/change.html", account=account, form=form,
                                    form_error=form_error, profile_url=PROFILE_URL,
                                    missing_profile=missing_profile)

    def _file(self, account_id: int, form: DataChangeForm):
        """(the redirect after filing, None) or (None, a message for the whole form)."""
        if not form.validate_on_submit():
            return None, _("Проверьте правильность заполнения полей")
        back = url_for(".details", account_id=account_id)
        repeat = form_tokens.claim(current_user, fallback=back)
        if repeat is not None:  # a double click: the statement is filed already
            return repeat, None
        try:
            application = data_change.file_data_change(current_user, account_id, form.values(), form.comment.data)
        except data_change.StatementRefused as exc:  # a value, no change, or «Мои данные» incomplete
            refused(exc, flash_message=False)
            for name, message in exc.field_errors.items():
                getattr(form, name).errors.append(message)
            return None, exc.message
        target = url_for("ConsumerApplicationsView.show", application_id=application.id)
        form_tokens.produced(target)
        flash(_(data_change.MSG_ACCEPTED) + " " + _("Номер заявления: %(number)s", number=application.number),
              "success")
        return redirect(target), None

    @expose("/<int:account_id>/tariff-documents/<int:document_id>")
    @has_access
    def tariff_document(self, account_id, document_id):
        return send_stored(details.tariff_document(current_user, account_id, document_id).file)


@one_permission
class TariffDocumentsView(BaseView):
    """«Документы об утверждении тарифов»: the documents the billing named; upload or replace a PDF."""

    route_base = "/admin/tariff-documents"
    class_permission_name = ADMIN_PERMISSION
    default_view = "index"

    def _render(self, form, failed_id=None, status=200):
        page = details.tariff_documents(page_number(), PER_PAGE)
        return self.render_template("billing/details/tariff_documents.html", page=page, form=form,
                                    failed_id=failed_id), status

    @expose("/")
    @has_access
    def index(self):
        return self._render(TariffDocumentForm(formdata=None))

    @expose("/<int:document_id>/upload", methods=["POST"])
    @has_access
    def upload(self, document_id):
        form = TariffDocumentForm()
        if not form.validate_on_submit():
            return self._render(form, document_id, 400)
        try:
            document = details.upload_tariff_document(current_user, document_id, form.file.data)
        except Invalid as exc:
            refused(exc, flash_message=False)
            form.file.errors.append(exc.message)
            return self._render(form, document_id, 400)
        flash(_("Файл документа «%(title)s» загружен", title=document.title), "success")
        return redirect(url_for(".index"))

    @expose("/<int:document_id>/file")
    @has_access
    def file(self, document_id):
        return send_stored(details.tariff_document_for_admin(document_id, with_file=True).file)


VIEWS = (AccountDetailsView,)
MENU_LINKS = ()
PERMISSIONS: dict = {
    CONSUMER: [("can_access", PERMISSION)],
    ORG_ADMIN: [("can_access", ADMIN_PERMISSION), ("menu_access", ADMIN_MENU)],
}
ADMIN_VIEWS = ((TariffDocumentsView, ADMIN_MENU, "fa-file-pdf-o"),)
SEEDERS = (data_change.seed_data_change_type,)
