"""FAB views of the documents area."""


def register(appbuilder) -> None:
    """Add this area's views and menu entries."""
