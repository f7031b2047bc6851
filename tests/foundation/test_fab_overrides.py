"""Kabinet's copies of FAB templates (templates/appbuilder/) are the ones rendered, and were
made from the FAB templates installed: when FAB is upgraded, this test names the copies to
port again (each copy says what it changes)."""
import hashlib
from pathlib import Path

import flask_appbuilder

FAB_TEMPLATES = Path(flask_appbuilder.__file__).parent / "templates"
KABINET_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

#: FAB 5.3.0 originals of the copies that leave out FAB's inline script (CSP, app/web/headers.py)
COPIED_FROM = {
    "appbuilder/general/lib.html": "d91fc4025d4fc213f0b3f62190af4157bf392b0db5b650fc6231fc2df98f5129",
    "appbuilder/general/widgets/base_list.html": "16fec5c8fa0b3da9d887fce6168b109e26c96f48d32784304e8a8a0240421ea5",
    "appbuilder/general/widgets/search.html": "36c988fa2af397d9471690521224384abc13a4156b3bc744459f59ba7c7471c0",
    "appbuilder/swagger/swagger.html": "47c3a0a0f542150036db2c7ab622373eaa7aa3dde4777ae921b95b08a7e35aef",
    # buttons in the page's language, not always English (issue 12)
    "appbuilder/general/confirm.html": "b40fa102c061f75bc43de5b65b90f4858d1b5fe8d223ad49c99c0e894125c062",
    "appbuilder/general/alert.html": "a1d8f674dcdba29725488ee3557c0e0e7aea635f39012613c9284be38da2a31f",
}


def test_the_copies_were_made_from_the_installed_fab():
    changed = [name for name, digest in COPIED_FROM.items()
               if hashlib.sha256((FAB_TEMPLATES / name).read_bytes()).hexdigest() != digest]
    assert changed == [], f"FAB changed these templates; port the change into templates/{changed}"


def test_kabinet_s_copies_are_the_ones_rendered(app):
    for name in COPIED_FROM:
        source, filename, _ = app.jinja_env.loader.get_source(app.jinja_env, name)
        assert Path(filename) == KABINET_TEMPLATES / name
        assert "<script nonce" not in source
