"""Shared steps for browser tests. The accounts area owns the login page and this file."""


def _reset_rate_limits() -> None:
    """Browser tests sign in many times from 127.0.0.1 within a minute; the brute-force
    limit (LOGIN_RATE_LIMIT) would answer 429, so the helper clears the in-process counters."""
    from app.extensions import limiter

    limiter.reset()


def browser_login(page, base_url: str, login: str, password: str) -> None:
    """Sign in through the real login form and wait for the signed-in page.

    `login` is any identifier the form accepts: email (confirmed), phone, СНИЛС, ОГРН, ОГРНИП.
    """
    _reset_rate_limits()
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", login)
    page.fill("input[name=password]", password)
    page.click("form [type=submit]")
    page.wait_for_load_state("networkidle")


def browser_logout(page, base_url: str) -> None:
    """«Выход» is a POST with the CSRF token: /logout/ offers the button (a GET signs nobody out)."""
    page.goto(f"{base_url}/logout/")
    button = page.locator('.kb-page form[action="/logout/"] [type=submit]')
    if button.count():
        button.click()
        page.wait_for_load_state("networkidle")
