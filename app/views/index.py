"""The portal's front page: consumers land in their cabinet, staff in their queue."""
from flask_appbuilder import IndexView, expose


class KabinetIndexView(IndexView):
    index_template = "index.html"

    @expose("/")
    def index(self):
        return self.render_template(self.index_template, appbuilder=self.appbuilder)
