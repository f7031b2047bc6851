"""The one sanitizing function every admin-edited text passes, on save and on render (F1).

nh3 keeps the formatting the editor produces (headings, lists, links, images, alignment
classes) and drops everything else: scripts, event handlers, style attributes, <style>,
javascript:/data: URLs, iframes, forms.
"""
import re

import nh3

TAGS = {
    "p", "br", "h1", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "ol", "ul", "li", "a", "img", "blockquote", "pre", "code", "hr", "span",
    "table", "thead", "tbody", "tr", "th", "td",
}
ATTRIBUTES = {
    "a": {"href", "title", "target"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
#: Quill's formatting classes: alignment and indentation, nothing else
_QL = {"ql-align-center", "ql-align-right", "ql-align-justify"} | {f"ql-indent-{n}" for n in range(1, 9)}
ALLOWED_CLASSES = {tag: _QL for tag in ("p", "h1", "h2", "h3", "h4", "li", "blockquote")}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
_IMG_SRC = re.compile(r"^(/page/asset/[0-9a-f]{40}|https?://[^\s\"'<>]+)$")
_DIMENSION = re.compile(r"^\d{1,4}$")


def _filter(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr == "src":
        return value if _IMG_SRC.match(value.strip()) else None
    if tag == "img" and attr in ("width", "height"):
        return value if _DIMENSION.match(value) else None
    if tag == "a" and attr == "target":
        return "_blank" if value == "_blank" else None
    return value


_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


def sanitize_html(html: str | None) -> str:
    """Safe HTML for an information page: only the editor's formatting survives."""
    if not html:
        return ""
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        clean_content_tags={"script", "style"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_filter,
        strip_comments=True,
    )
    # a picture whose address was refused is dropped rather than shown broken
    return _IMG_WITHOUT_SRC.sub("", clean).strip()


def is_blank(html: str | None) -> bool:
    """True for editor output with no text and no image (e.g. «<p><br></p>»)."""
    if not html:
        return True
    if "<img" in html:
        return False
    return not re.sub(r"<[^>]+>|&nbsp;|\s", "", html)
