"""«Опросы потребителей» under «Администрирование» (E5): the surveys, a draft's builder (title,
period, target, questions and their options), publishing and closing, and the results (counts,
shares and charts per question, free-text answers, CSV). Thin: workflows/surveys/builder.py and
results.py decide; app.security.access.ensure_organization_survey finds the survey (404 else)."""
from flask import Response, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import KabinetError
from app.security.access import ensure_organization_survey
from app.security.roles import ORG_ADMIN
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.surveys import ButtonForm, QuestionForm, SurveyForm
from workflows.admin import FieldErrors
from workflows.surveys import builder, results, rules

PERMISSION = "SurveysAdmin"
MENU = "Опросы потребителей"


@one_permission
class SurveysAdminView(BaseView):
    """Admins build, publish, close surveys and read their results."""

    route_base = "/admin/surveys"
    class_permission_name = PERMISSION
    default_view = "index"

    def _words(self) -> dict:
        return {"statuses": rules.STATUS_LABELS, "kinds": rules.KIND_LABELS, "targets": rules.TARGET_LABELS}

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("surveys/admin/list.html", surveys=builder.survey_list(), **self._words())

    def _survey_form(self, survey=None) -> SurveyForm:
        branches, types = builder.target_choices()
        if request.method == "POST":
            return SurveyForm(branches, types)
        form = SurveyForm(branches, types, formdata=None, obj=survey)
        if survey is not None:
            form.branch_id.data = survey.target_branch_id or 0
            form.application_type_id.data = survey.target_application_type_id or 0
        return form

    def _render_survey(self, survey, form, status=200):
        template = "surveys/admin/new.html" if survey is None else "surveys/admin/survey.html"
        return self.render_template(template, survey=survey, form=form, button=ButtonForm(), **self._words()), status

    def _saved(self, form, command, done_message, back):
        """A valid sent form's `command()`, `done_message` and the redirect to `back(result)`; or None
        (the page again) with the builder's messages under their fields."""
        if request.method != "POST" or not form.validate_on_submit():
            return None
        try:
            result = command()
        except FieldErrors as exc:
            refused(exc, flash_message=False)
            form.put_errors(exc.errors)
            return None
        flash(_(done_message), "success")
        return redirect(back(result))

    def _to_survey(self, survey):
        return url_for(".survey", survey_id=survey.id)

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        form = self._survey_form()
        done = self._saved(form, lambda: builder.create_survey(current_user, form.values()), rules.MSG_SAVED,
                           self._to_survey)
        return done or self._render_survey(None, form, 400 if form.errors else 200)

    @expose("/<int:survey_id>/", methods=["GET", "POST"])
    @has_access
    def survey(self, survey_id):
        survey = ensure_organization_survey(current_user, survey_id)
        form = self._survey_form(survey)
        done = self._saved(form, lambda: builder.update_survey(survey, form.values()), rules.MSG_SAVED,
                           self._to_survey)
        return done or self._render_survey(survey, form, 400 if form.errors else 200)

    @expose("/<int:survey_id>/questions/new", methods=["GET", "POST"])
    @has_access
    def new_question(self, survey_id):
        return self._question(ensure_organization_survey(current_user, survey_id), None)

    @expose("/<int:survey_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
    @has_access
    def edit_question(self, survey_id, question_id):
        survey = ensure_organization_survey(current_user, survey_id)
        return self._question(survey, builder.survey_question(survey, question_id))

    def _question(self, survey, question):
        form = QuestionForm() if request.method == "POST" else QuestionForm(formdata=None)
        if request.method != "POST" and question is not None:
            form.show(question)

        def save():
            if question is None:
                return builder.add_question(survey, form.values())
            return builder.update_question(survey, question, form.values())

        done = self._saved(form, save, rules.MSG_QUESTION_SAVED, lambda _saved: self._to_survey(survey))
        if done:
            return done
        return self.render_template("surveys/admin/question.html", survey=survey, question=question, form=form,
                                    **self._words()), 400 if form.errors else 200

    @expose("/<int:survey_id>/questions/<int:question_id>/delete", methods=["POST"])
    @has_access
    def delete_question(self, survey_id, question_id):
        survey = ensure_organization_survey(current_user, survey_id)
        question = builder.survey_question(survey, question_id)
        if ButtonForm().validate_on_submit():
            builder.delete_question(survey, question)
            flash(_(rules.MSG_QUESTION_DELETED), "success")
        return redirect(url_for(".survey", survey_id=survey.id))

    @expose("/<int:survey_id>/publish", methods=["POST"])
    @has_access
    def publish(self, survey_id):
        return self._transition(survey_id, builder.publish_survey, rules.MSG_PUBLISHED)

    @expose("/<int:survey_id>/close", methods=["POST"])
    @has_access
    def close(self, survey_id):
        return self._transition(survey_id, builder.close_survey, rules.MSG_CLOSED)

    def _transition(self, survey_id, command, done_message):
        survey = ensure_organization_survey(current_user, survey_id)
        back = url_for(".survey", survey_id=survey.id)
        if not ButtonForm().validate_on_submit():
            return redirect(back)
        try:
            command(survey)
        except KabinetError as exc:
            refused(exc)
        else:
            flash(_(done_message), "success")
        return redirect(back)

    @expose("/<int:survey_id>/results")
    @has_access
    def results(self, survey_id):
        survey = ensure_organization_survey(current_user, survey_id)
        found = results.survey_results(survey)
        charts = {result.question.id: result.chart() for result in found if result.rows}
        return self.render_template("surveys/admin/results.html", survey=survey, results=found, charts=charts,
                                    respondents=results.respondents(survey), **self._words())

    @expose("/<int:survey_id>/results.csv")
    @has_access
    def results_csv(self, survey_id):
        survey = ensure_organization_survey(current_user, survey_id)
        return Response(results.answers_csv(survey), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f"attachment; filename=survey-{survey.id}.csv",
                                 "Cache-Control": "private, no-store"})


VIEWS = ()
PERMISSIONS: dict = {ORG_ADMIN: [("can_access", PERMISSION), ("menu_access", MENU)]}
ADMIN_VIEWS = ((SurveysAdminView, MENU, "fa-check-square-o"),)
