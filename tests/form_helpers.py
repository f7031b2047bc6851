"""Shared steps for tests that post forms the way a browser does."""
import re
import threading


def flashes(client) -> list:
    """The flash messages waiting in the client's session (and take them out)."""
    with client.session_transaction() as session:
        return session.pop("_flashes", [])


def rendered_token(html: str, form_test: str) -> str:
    """The one-time form token rendered into the form marked data-test=`form_test`."""
    form = re.search(rf'<form[^>]*data-test="{form_test}".*?</form>', html, re.S).group(0)
    return re.search(r'name="form_token" value="([^"]+)"', form).group(1)


def post_together(app, user, url, data_of, n=2, **options) -> list[int]:
    """POST `url` as `user` from n clients at the same moment (a fresh body from `data_of()` each);
    each answer's status, or 500 where the test client re-raised what would be a 500."""
    from tests.conftest import IsolatedClient

    app.test_client_class = IsolatedClient
    clients = []
    for _ in range(n):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = user.get_id(), True
        clients.append(client)
    barrier, answers = threading.Barrier(n), []

    def send(client):
        barrier.wait()
        try:
            answers.append(client.post(url, data=data_of(), **options).status_code)
        except Exception:
            answers.append(500)

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers
