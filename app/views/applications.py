"""FAB views of the applications area."""


def register(appbuilder) -> None:
    """Add this area's views and menu entries."""
