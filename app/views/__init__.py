"""Registers every FAB view, grouped by audience. Each area adds its own register_* call."""


def register_all(appbuilder) -> None:
    pass
