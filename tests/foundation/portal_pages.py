"""Every page each role can reach, for tests that check all of them (the CSP tests).

The demo data (every role, a submitted application with documents) plus a consumer's draft
with a document and one row in each otherwise empty dictionary, so that FAB's show and edit
pages exist for every ModelView. Pages are found by following the links of each role's
start pages, as a user would, and the FAB screens of every registered ModelView are added.
"""
import io
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from flask_appbuilder import ModelView
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from app.extensions import appbuilder, db
from app.models import Branch, InfoPage, KabinetUser, Office, Supplier

DEMO_PASSWORD = "Demo-2026!"
ROLE_EMAILS = {"Consumer": "fl@demo.kabinet", "Staff": "staff@demo.kabinet",
               "OrgAdmin": "orgadmin@demo.kabinet", "Admin": "admin@demo.kabinet", None: None}

#: where each role starts; the rest is found by following links
START_PAGES = {
    None: ["/", "/login/", "/register/", "/password/forgot/", "/login/code/", "/verify-signature/",
           "/page/help", "/page/info", "/no-such-page/"],
    "Consumer": ["/", "/my/applications/", "/my/applications/new", "/my/applications/new?type=message",
                 "/my/notifications/", "/my/profile/", "/my/security/", "/my/password/", "/my/security/totp/",
                 "/documents/copies/", "/verify-signature/"],
    "Staff": ["/", "/staff/queue/", "/admin/consumers/", "/admin/consumers/open", "/documents/copies/staff/",
              "/my/security/"],
    "OrgAdmin": ["/", "/admin/pages/", "/admin/settings/", "/admin/staff/", "/admin/audit/", "/admin/reports/",
                 "/documents/templates/", "/users/list/", "/roles/list/"],
    "Admin": ["/", "/users/list/", "/swagger/v1", "/users/userinfo/", "/resetmypassword/form",
              "/userinfoeditview/form"],
}

#: links not followed: they sign out, switch the language or send a file
SKIPPED_ENDPOINTS = {
    "KabinetAuthView.logout", "LocaleView.index", "UtilView.back", "static", "appbuilder.static",
    "ConsumerApplicationsView.download", "StaffApplicationsView.download", "DocumentsView.attachment_file",
    "DocumentsView.copy_file", "DocumentsView.signature_cms", "DocumentsView.signature_file",
    "StatementTemplatesView.file", "StatementTemplatesView.preview", "InfoPageView.asset",
}
FILE_LIKE = re.compile(r"\.[a-z0-9]{2,5}$")
#: pages of one kind (endpoint and query parameters) visited at most this often
SAME_KIND_LIMIT = 2


def prepare_portal_data() -> None:
    """Reference data, pages, the demo users and application, a draft, dictionary rows."""
    from flask_appbuilder.security.sqla.models import Group

    from app.demo import DEMO_PDF, create_demo_data
    from tests.conftest import KEPT_TABLES
    from tests.reference_rows import seed_reference_rows
    from workflows.applications import service
    from workflows.pages.service import seed_system_pages

    seed_reference_rows(KEPT_TABLES)
    seed_system_pages()
    db.session.commit()
    create_demo_data(DEMO_PASSWORD)
    user = user_of("Consumer")
    app_type = service.active_types(legal_form=user.consumer.legal_form)[0]
    draft, _ = service.open_draft(user.consumer, app_type, user, new=True)
    upload = FileStorage(io.BytesIO(DEMO_PDF), filename="scan.pdf", content_type="application/pdf")
    service.add_attachment(draft, upload, user, side=service.CONSUMER_SIDE,
                           document_type=service.document_types()[0])
    branch = Branch(code="north", name="Северный филиал")
    db.session.add_all([branch, Supplier(code="energo", name="Энергосбыт"),
                        Office(name="Офис обслуживания", address="г. Казань, ул. Баумана, 1", branch=branch),
                        Group(name="Диспетчеры", label="Диспетчеры")])
    db.session.commit()


def user_of(role):
    return db.session.scalar(select(KabinetUser).where(KabinetUser.email == ROLE_EMAILS[role]))


def model_view_pages() -> list[str]:
    """list/add/show/edit of every registered ModelView, with its first row."""
    urls = []
    for view in appbuilder.baseviews:
        if not isinstance(view, ModelView):
            continue
        first = db.session.scalar(select(view.datamodel.obj).limit(1))
        assert first is not None, f"{type(view).__name__} has no row: its show/edit pages would go unchecked"
        pk = view.datamodel.get_pk_value(first)
        screens = {"can_list": "list/", "can_add": "add", "can_show": f"show/{pk}", "can_edit": f"edit/{pk}"}
        urls += [f"{view.route_base}/{path}" for permission, path in screens.items()
                 if permission in view.base_permissions]
    return urls


def admin_matrix_pages() -> list[str]:
    """The admin access matrix's GET pages (tests/admin/test_access_matrix.py), filled in."""
    from app.models import ApplicationType
    from tests.admin.test_access_matrix import ADMIN_ONLY_GET

    ids = {"page": db.session.scalar(select(InfoPage.id).where(InfoPage.slug == "help")),
           "type": db.session.scalar(select(ApplicationType.id).limit(1)),
           "consumer": user_of("Consumer").id}
    return [template.format(**ids) for template in ADMIN_ONLY_GET if not FILE_LIKE.search(template)]


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def crawl(app, client, start_pages, limit=400):
    """(url, response) of every HTML page reachable from start_pages by GET links."""
    adapter = app.url_map.bind("localhost")
    queue, seen, kinds = deque(start_pages), set(), Counter()
    while queue and len(seen) < limit:
        url = queue.popleft()
        parts = urlsplit(url)
        if url in seen or parts.netloc not in ("", "localhost") or FILE_LIKE.search(parts.path):
            continue
        kind = _kind(adapter, parts)
        if kind is not None and (kind[0] in SKIPPED_ENDPOINTS or kinds[kind] >= SAME_KIND_LIMIT):
            continue
        seen.add(url)
        kinds[kind] += 1
        response = client.get(url)
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        yield url, response, html
        collector = LinkCollector()
        collector.feed(html)
        for href in collector.links:
            target = urljoin(url, href.split("#")[0])
            if target and target not in seen:
                queue.append(target)


def _kind(adapter, parts):
    try:
        endpoint, _ = adapter.match(parts.path, method="GET")
    except RequestRedirect:
        return ("redirect", parts.path)
    except HTTPException:
        return None
    keys = tuple(sorted(key for key, _, _ in (p.partition("=") for p in parts.query.split("&")) if key))
    return endpoint, keys


def pages_of_role(app, client, login, role) -> tuple[list[str], list]:
    """The pages `role` reaches from its start pages (plus the admin matrix for OrgAdmin and every
    ModelView's pages for Admin): (start pages, crawled pages)."""
    with client.session_transaction() as session:
        session.clear()
    start = list(START_PAGES[role])
    if role is not None:
        login(user_of(role))
    if role == "OrgAdmin":
        start += admin_matrix_pages()
    if role == "Admin":
        start += model_view_pages()
    return start, list(crawl(app, client, start))
