"""Shared steps for browser tests. The accounts area owns the login page and this file."""


def browser_login(page, base_url: str, login: str, password: str) -> None:
    """Sign in through the real login form and wait for the signed-in page."""
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", login)
    page.fill("input[name=password]", password)
    page.click("[type=submit]")
    page.wait_for_load_state("networkidle")


def browser_logout(page, base_url: str) -> None:
    page.goto(f"{base_url}/logout/")
