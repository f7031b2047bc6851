"""FAB views of the admin area."""


def register(appbuilder) -> None:
    """Add this area's views and menu entries."""
