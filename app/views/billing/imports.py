"""«Загрузка из биллинга» (D1, org admins and admins): upload a billing file, the list of import
runs, a run's page with a live progress bar (static/js/run-progress.js polls the progress JSON
every second; without script the page shows the figures as they are and a refresh link) and its
error file. The import itself is workflows/billing/imports/."""
from flask import jsonify, redirect, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_login import current_user

from app.core.errors import KabinetError
from app.core.paging import page_number
from app.models.billing import IMPORT_KIND_LABELS, ImportState
from app.security.roles import ORG_ADMIN
from app.views.admin.common import send_spooled
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.billing.exchange import ImportForm
from workflows.billing import imports, runs

PERMISSION = "BillingImports"
MENU = "Загрузка из биллинга"
PER_PAGE = 30

#: an import run's state in words
STATE_LABELS = {
    ImportState.QUEUED: "В очереди",
    ImportState.RUNNING: "Выполняется",
    ImportState.DONE: "Завершена",
    ImportState.FAILED: "Файл не принят",
}


def progress_of(run) -> dict:
    """The engine's figures of a run, with its state in words (the page and its script show them)."""
    figures = dict(imports.progress(run))
    figures["state_label"] = STATE_LABELS.get(figures.get("state"), figures.get("state"))
    figures["finished"] = figures.get("state") in (ImportState.DONE, ImportState.FAILED)
    return figures


@one_permission
class BillingImportsView(BaseView):
    """The upload form and the runs (newest first); a run's page, progress JSON and error file."""

    route_base = "/billing/imports"
    default_view = "index"
    class_permission_name = PERMISSION

    def _render(self, form, status=200):
        return self.render_template("billing/exchange/imports.html", form=form, kinds=IMPORT_KIND_LABELS,
                                    states=STATE_LABELS, page=runs.listing(page_number(), PER_PAGE)), status

    @expose("/")
    @has_access
    def index(self):
        return self._render(ImportForm(formdata=None))

    @expose("/start", methods=["POST"])
    @has_access
    def start(self):
        form = ImportForm()
        if not form.validate_on_submit():
            return self._render(form, 400)
        try:
            run = imports.start_import(form.kind.data, form.file.data, actor=current_user)
        except KabinetError as exc:  # an unreadable or refused file: said under the file field
            refused(exc, flash_message=False)
            form.file.errors.append(exc.message)
            return self._render(form, 400)
        return redirect(url_for(".run", run_id=run.id))

    @expose("/<int:run_id>")
    @has_access
    def run(self, run_id):
        run = runs.get(run_id)
        return self.render_template("billing/exchange/import_run.html", run=run, kinds=IMPORT_KIND_LABELS,
                                    progress=progress_of(run), started_by=runs.started_by(run))

    @expose("/<int:run_id>/progress")
    @has_access
    def progress(self, run_id):
        response = jsonify(progress_of(runs.get(run_id)))
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/<int:run_id>/errors")
    @has_access
    def errors(self, run_id):
        run = runs.get(run_id)
        return send_spooled(imports.error_file_csv(run), f"errors_{run.id}.csv", "text/csv; charset=utf-8")


VIEWS = ()
MENU_LINKS = ()
PERMISSIONS: dict = {ORG_ADMIN: [("can_access", PERMISSION), ("menu_access", MENU)]}
ADMIN_VIEWS = ((BillingImportsView, MENU, "fa-upload"),)
