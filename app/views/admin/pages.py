"""«Информационные страницы» (F1): the page editor — drafts, publishing, versions, restore,
pictures and documents. The commands are workflows/pages/commands.py."""
from flask import flash, jsonify, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext as _

from app.core.files import UploadRejected
from app.views.admin.common import AdminView, acting_user, refused_to
from app.web.boundary import refused
from forms.admin import ConfirmForm
from forms.pages import ImageUploadForm, PageCreateForm, entry_details, page_edit_form
from workflows.pages import commands, sections, service


class AdminPagesView(AdminView):
    """The page editor: drafts, publishing, versions and restore; also of the sections' entries
    (E6, app/views/pages/sections_admin.py lists them)."""

    route_base = "/admin/pages"

    def _list(self, form, status=200):
        pages, drafts = service.editor_pages()
        return self.render_template("admin/pages/list.html", pages=pages, drafts=drafts, form=form,
                                    placeholders=service.PLACEHOLDERS), status

    @expose("/")
    @has_access
    def index(self):
        return self._list(PageCreateForm())

    @expose("/create", methods=["POST"])
    @has_access
    def create(self):
        form = PageCreateForm()
        if form.validate_on_submit():
            try:
                page = commands.create_page(form.slug.data, form.title.data, show_in_menu=form.show_in_menu.data,
                                            sort_order=form.sort_order.data or 0, actor=acting_user())
            except service.PageError as exc:  # refused before anything was written
                form.slug.errors.append(exc.message)
            else:
                flash(_("Страница создана"), "success")
                return redirect(url_for(".edit", page_id=page.id))
        return self._list(form, 400)

    @expose("/<int:page_id>/edit", methods=["GET", "POST"])
    @has_access
    def edit(self, page_id):
        page = commands.page_or_404(page_id)
        form = page_edit_form(page.section)  # a section's entry (E6) gets the section's fields
        if request.method == "GET":
            latest = service.latest_version(page)
            form.title.data = latest.title if latest else page.title
            form.body_html.data = latest.body_html if latest else ""
            form.show_in_menu.data = page.show_in_menu
            form.sort_order.data = page.sort_order
            form.base_version.data = str(commands.latest_number(page))
            for name, value in sections.details_of(page).items():
                form[name].data = value
        elif form.validate_on_submit():
            try:
                version = commands.save_page(
                    page_id, title=form.title.data, body_html=form.body_html.data or "",
                    show_in_menu=bool(form.show_in_menu.data), sort_order=form.sort_order.data or 0,
                    base_version=form.base_version.data, publish=bool(form.publish.data), actor=acting_user(),
                    details=entry_details(form, page.section) if page.section else None)
            except commands.PageChanged as exc:
                refused(exc)
                return self._editor(page, form, 409)
            except sections.EntryRefused as exc:
                refused(exc, flash_message=False)
                for name, message in exc.field_errors.items():
                    form[name].errors.append(message)
                return self._editor(page, form, 400)
            if form.publish.data:
                flash(_("Опубликовано"), "success")
            else:
                flash(_("Черновик сохранён (версия %(n)s)", n=version.number), "success")
            return redirect(url_for(".edit", page_id=page.id))
        return self._editor(page, form)

    def _editor(self, page, form, status=200):
        if page.section:
            form.title.label.text = str(sections.section_of(page).title_label)
        return self.render_template("admin/pages/edit.html", page=page, form=form,
                                    latest=service.latest_version(page), placeholders=service.PLACEHOLDERS,
                                    section=sections.section_of(page)), status

    @expose("/<int:page_id>/versions")
    @has_access
    def versions(self, page_id):
        page = commands.page_or_404(page_id)
        return self.render_template("admin/pages/versions.html", page=page, versions=page.versions,
                                    form=ConfirmForm())

    @expose("/<int:page_id>/versions/<int:number>")
    @has_access
    def version(self, page_id, number):
        page, version = commands.version_or_404(page_id, number)
        return self.render_template("admin/pages/version.html", page=page, version=version,
                                    body=service.render_html(version.body_html), form=ConfirmForm())

    @expose("/<int:page_id>/versions/<int:number>/publish", methods=["POST"])
    @has_access
    def publish_version(self, page_id, number):
        if ConfirmForm().validate_on_submit():
            commands.publish_version(page_id, number, actor=acting_user())
            flash(_("Опубликована версия %(n)s", n=number), "success")
        return redirect(url_for(".versions", page_id=page_id))

    @expose("/<int:page_id>/versions/<int:number>/restore", methods=["POST"])
    @has_access
    def restore_version(self, page_id, number):
        if ConfirmForm().validate_on_submit():
            version = commands.restore_version(page_id, number, actor=acting_user())
            flash(_("Версия %(old)s восстановлена и опубликована как версия %(new)s", old=number, new=version.number),
                  "success")
        return redirect(url_for(".versions", page_id=page_id))

    @expose("/<int:page_id>/unpublish", methods=["POST"])
    @has_access
    def unpublish(self, page_id):
        if ConfirmForm().validate_on_submit():
            try:
                commands.unpublish_page(page_id, actor=acting_user())
            except service.PageError as exc:
                return refused_to(exc, ".versions", page_id=page_id)
            flash(_("Страница снята с публикации"), "success")
        return redirect(url_for(".versions", page_id=page_id))

    @expose("/upload-file", methods=["POST"])
    @has_access
    def upload_file(self):
        """The editor's paper-clip button: store a document, answer its download address."""
        return self._upload(commands.upload_document, "file", with_name=True)

    @expose("/upload-image", methods=["POST"])
    @has_access
    def upload_image(self):
        """The editor's image button: store the picture, answer its public address."""
        return self._upload(commands.upload_image, "image")

    def _upload(self, command, field: str, *, with_name: bool = False):
        """Answer the editor's JSON: the asset's address, or the refusal (nothing is stored then)."""
        if not ImageUploadForm().validate_on_submit():
            return jsonify(error=_("Сессия устарела, обновите страницу")), 400
        try:
            asset = command(request.files.get(field), actor=acting_user())
        except UploadRejected as exc:
            return jsonify(error=exc.message), 400
        url = url_for("InfoPageView.asset", key=asset.file.storage_key)
        return jsonify(url=url, name=asset.file.original_name) if with_name else jsonify(url=url)

