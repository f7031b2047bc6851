"""FAB views of the accounts area."""


def register(appbuilder) -> None:
    """Add this area's views and menu entries."""
