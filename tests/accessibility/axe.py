"""axe-core (tests/vendor/axe.min.js) run in the page: serious and critical WCAG 2.1 A/AA violations."""
from pathlib import Path

AXE_SOURCE = Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


def load_axe(page) -> None:
    """axe in every page the tab opens from now on. The page's Content-Security-Policy refuses
    page.add_script_tag (an inline <script>); a script added to every new document through the
    DevTools protocol (add_init_script) is not governed by it. The portal itself serves no axe."""
    page.add_init_script(path=str(AXE_SOURCE))


def axe_violations(page) -> list[dict]:
    """axe's serious and critical violations on the page as it is now (load_axe first)."""
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA)
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(url: str, violations: list[dict]) -> list[str]:
    """One line per element: page, rule id, impact, target selector, help text."""
    return [f"{url}: {v['id']} ({v['impact']}) {node['target']} — {v['help']} "
            f"{node.get('failureSummary', '').splitlines()[-1] if node.get('failureSummary') else ''}"
            for v in violations for node in v["nodes"]]
