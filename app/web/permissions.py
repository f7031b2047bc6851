"""One permission per screen: every exposed method and action of a FAB view needs the one
permission «can_access» on the view's `class_permission_name` (roles list it in their area's
`AREA.permissions`). A class decorator, and the same as a mixin for view families whose
subclasses should all be covered."""


def _guarded(member) -> bool:
    """A method FAB routes (`expose`), checks (`has_access`) or lists as an action."""
    return any(hasattr(member, mark) for mark in ("_urls", "_permission_name", "_action"))


def permission_map(view_class) -> dict[str, str]:
    """`method_permission_name` mapping every guarded method of the view to «access»."""
    return {name: "access" for name in dir(view_class) if _guarded(getattr(view_class, name, None))}


def one_permission(view_class):
    """Class decorator: the view's every method needs «can_access»."""
    view_class.method_permission_name = permission_map(view_class)
    return view_class


class OnePermission:
    """Mixin: the view, and every subclass of it, needs «can_access» for each method."""

    def __init__(self):
        self.method_permission_name = permission_map(type(self))
        super().__init__()
