"""«Разделы сайта» (E6): the admin's lists of the sections' entries — questions and answers,
promotions, organizations of the power industry, goods and services. A new entry opens in the
page editor (app/views/admin/pages.py), which keeps every version of its text and shows the
section's fields beside it; retiring an entry is taking it off publication there."""
from flask import flash, redirect, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext as _

from app.security.roles import ORG_ADMIN
from app.views.admin.common import AdminView, acting_user
from app.web.boundary import refused
from forms.pages import entry_create_form, entry_details
from workflows.pages import sections

MENU = "Разделы сайта"


class AdminSectionsView(AdminView):
    """The entries of one section, with «Новая запись»."""

    route_base = "/admin/content"

    @expose("/")
    @has_access
    def index(self):
        return redirect(url_for(".section", code=sections.FAQ))

    @expose("/<code>/")
    @has_access
    def section(self, code):
        return self._list(sections.section_or_404(code), entry_create_form(code))

    @expose("/<code>/create", methods=["POST"])
    @has_access
    def create(self, code):
        section = sections.section_or_404(code)
        form = entry_create_form(code)
        if form.validate_on_submit():
            try:
                page = sections.create_entry(code, form.title.data, entry_details(form, code), actor=acting_user())
            except sections.EntryRefused as exc:  # refused before anything was written
                refused(exc, flash_message=False)
                for name, message in exc.field_errors.items():
                    form[name].errors.append(message)
            else:
                flash(_("Запись создана. Напишите текст и опубликуйте её."), "success")
                return redirect(url_for("AdminPagesView.edit", page_id=page.id))
        return self._list(section, form, 400)

    def _list(self, section, form, status=200):
        form.title.label.text = str(section.title_label)
        entries, drafts = sections.admin_entries(section.code)
        return self.render_template("pages/admin/sections.html", section=section, sections=sections.SECTIONS,
                                    entries=entries, drafts=drafts, form=form), status


VIEWS = ()
MENU_LINKS = ()
PERMISSIONS = {ORG_ADMIN: [("menu_access", MENU)]}
ADMIN_VIEWS = ((AdminSectionsView, MENU, "fa-list-alt"),)
