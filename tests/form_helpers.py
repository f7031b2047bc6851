"""Shared steps for tests that post forms the way a browser does."""
import re


def flashes(client) -> list:
    """The flash messages waiting in the client's session (and take them out)."""
    with client.session_transaction() as session:
        return session.pop("_flashes", [])


def rendered_token(html: str, form_test: str) -> str:
    """The one-time form token rendered into the form marked data-test=`form_test`."""
    form = re.search(rf'<form[^>]*data-test="{form_test}".*?</form>', html, re.S).group(0)
    return re.search(r'name="form_token" value="([^"]+)"', form).group(1)
