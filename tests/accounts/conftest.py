"""Helpers for the accounts tests: codes read from the memory SMS/email outbox."""
import random
import re

import pytest

from app.core.notifications.transports import memory_outbox


def last_code(destination: str) -> str:
    """The 6-digit code most recently 'sent' to a phone or email."""
    for phone, text in reversed(memory_outbox.sms):
        if phone == destination:
            return re.search(r"\b(\d{6})\b", text).group(1)
    for message in reversed(memory_outbox.emails):
        if message["To"].lower() == destination.lower():
            return re.search(r"\b(\d{6})\b", message.get_content()).group(1)
    raise AssertionError(f"no code sent to {destination}")


def last_link(destination: str) -> str:
    for message in reversed(memory_outbox.emails):
        if message["To"].lower() == destination.lower():
            return re.search(r"https?://\S+", message.get_content()).group(0)
    raise AssertionError(f"no link sent to {destination}")


@pytest.fixture
def code_for():
    return last_code


@pytest.fixture
def link_for():
    return last_link


@pytest.fixture
def no_rate_limit(app):
    """Flask-Limiter off for tests that post many times on purpose."""
    from app.extensions import limiter

    limiter.enabled = False
    yield
    limiter.enabled = True


def good_ogrnip() -> str:
    """A valid ОГРНИП (tests.factories.valid_ogrnip computes the check digit on the wrong digits)."""
    while True:
        base = "3045" + "".join(random.choice("0123456789") for _ in range(10))
        if int(base) % 13 < 10:  # python-stdnum (which we validate with) takes no «% 10» here
            return base + str(int(base) % 13)


def good_ogrn() -> str:
    """A valid ОГРН (tests.factories.valid_ogrn has the same check-digit slip)."""
    base = "1027" + "".join(random.choice("0123456789") for _ in range(8))
    return base + str(int(base) % 11 % 10)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(app):
    """Each test starts with empty Flask-Limiter counters (the storage is per process)."""
    from app.extensions import limiter

    with app.app_context():
        limiter.reset()
    yield
    # codes issued in a test's own app context are committed but never dispatched (no request
    # ends there): drop them so a later test's request does not deliver them
    from app.core.jobs.queue import _ready_jobs

    _ready_jobs().clear()
