"""FAB views of the staff area."""


def register(appbuilder) -> None:
    """Add this area's views and menu entries."""
