"""The state graph of an application type as an SVG picture (F3 transition editor).

Statuses are laid out in columns by their distance from the first status (breadth-first
over the active transitions), edges are drawn as curves with arrowheads and labelled
with the transition name. Pure server-side SVG: no JavaScript, nothing from a CDN.
"""
from collections import defaultdict, deque

from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core.errors import NotFound
from app.extensions import db
from app.models import ApplicationType, Status, Transition

NODE_W, NODE_H = 190, 46
COL_GAP, ROW_GAP = 150, 50
PAD = 20


def _wrap(text: str, width: int = 24) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if len(line) + len(word) + 1 > width and line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines[:2] or [""]


def layout(statuses: list[Status], transitions: list[Transition]) -> dict[int, tuple[int, int]]:
    """status id → (column, row): columns by breadth-first distance from the start."""
    out = defaultdict(list)
    for t in transitions:
        out[t.from_status_id].append(t.to_status_id)
    ordered = sorted(statuses, key=lambda s: (not s.is_draft, not s.is_initial, s.sort_order, s.id))
    level: dict[int, int] = {}
    for start in ordered:
        if start.id in level:
            continue
        level[start.id] = max(level.values(), default=-1) + 1 if level else 0
        queue = deque([start.id])
        while queue:
            current = queue.popleft()
            for nxt in out[current]:
                if nxt not in level:
                    level[nxt] = level[current] + 1
                    queue.append(nxt)
    rows: dict[int, int] = defaultdict(int)
    positions = {}
    for status in ordered:
        column = level[status.id]
        positions[status.id] = (column, rows[column])
        rows[column] += 1
    return positions


def _edge(t: Transition, start: tuple[int, int], end: tuple[int, int], n: int) -> tuple[str, str]:
    """The curve of transition `t` (its `n`-th between the same two boxes) and its label."""
    (x1, y1), (x2, y2) = start, end
    if x2 > x1:
        sx, sy, ex, ey = x1 + NODE_W, y1 + NODE_H / 2, x2, y2 + NODE_H / 2
    elif x2 < x1:
        sx, sy, ex, ey = x1, y1 + NODE_H / 2 + 6, x2 + NODE_W, y2 + NODE_H / 2 + 6
    else:
        sx, sy, ex, ey = x1 + NODE_W - 20, y1 + (NODE_H if y2 > y1 else 0), x2 + NODE_W - 20, y2 + (0 if y2 > y1 else NODE_H)
    bend = 30 + 18 * n
    mx, my = (sx + ex) / 2, (sy + ey) / 2 - (bend if x2 != x1 else 0)
    if x2 == x1:
        mx += bend + 20
    colour = "#a94442" if t.to_status and t.to_status.is_final else "#555"
    path = (f'<path d="M{sx:.0f},{sy:.0f} Q{mx:.0f},{my:.0f} {ex:.0f},{ey:.0f}" fill="none" stroke="{colour}" '
            f'stroke-width="1.4" marker-end="url(#kb-arrow)"><title>{escape(t.name)}: '
            f'{escape(t.from_status.name)} → {escape(t.to_status.name)}</title></path>')
    # the label sits on the curve's midpoint, with a white halo to stay readable
    lx, ly = 0.25 * sx + 0.5 * mx + 0.25 * ex, 0.25 * sy + 0.5 * my + 0.25 * ey
    label = t.name if len(t.name) <= 26 else t.name[:25] + "…"
    return path, (f'<text x="{lx:.0f}" y="{ly - 3:.0f}" text-anchor="middle" fill="#31708f" font-size="10" '
                  f'stroke="#fff" stroke-width="3" paint-order="stroke">{escape(label)}</text>')


def _node(status: Status, x: int, y: int) -> list[str]:
    """The box of one status with its name on up to two lines."""
    fill = "#f5f5f5" if status.is_draft else "#dff0d8" if status.is_initial else "#f2dede" if status.is_final else "#d9edf7"
    dash = ' stroke-dasharray="4 3"' if not status.active else ""
    parts = [f'<g data-status="{status.id}"><rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="6" '
             f'fill="{fill}" stroke="#337ab7"{dash}/>']
    lines = _wrap(status.name)
    for i, line in enumerate(lines):
        ty = y + NODE_H / 2 + 4 + (i - (len(lines) - 1) / 2) * 14
        parts.append(f'<text x="{x + NODE_W / 2}" y="{ty:.0f}" text-anchor="middle">{escape(line)}</text>')
    parts.append("</g>")
    return parts


def render_svg(application_type_id: int) -> Markup:
    """The graph of one type's statuses and transitions as inline SVG markup."""
    statuses = list(db.session.execute(
        select(Status).where(Status.application_type_id == application_type_id).order_by(Status.sort_order, Status.id)
    ).scalars())
    transitions = list(db.session.execute(
        select(Transition).options(joinedload(Transition.from_status), joinedload(Transition.to_status))
        .where(Transition.application_type_id == application_type_id, Transition.active.is_(True))
        .order_by(Transition.sort_order, Transition.id)
    ).scalars())
    if not statuses:
        return Markup("")
    positions = layout(statuses, transitions)
    columns = max(c for c, _ in positions.values()) + 1
    rows = max(r for _, r in positions.values()) + 1
    width = PAD * 2 + columns * NODE_W + (columns - 1) * COL_GAP
    height = PAD * 2 + rows * NODE_H + (rows - 1) * ROW_GAP + 30

    def box(status_id):
        column, row = positions[status_id]
        return PAD + column * (NODE_W + COL_GAP), PAD + 15 + row * (NODE_H + ROW_GAP)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kb-graph" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
        '<defs><marker id="kb-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    pair_count: dict[tuple[int, int], int] = defaultdict(int)
    labels: list[str] = []
    for t in transitions:
        if t.from_status_id not in positions or t.to_status_id not in positions:
            continue
        pair = (t.from_status_id, t.to_status_id)
        path, label = _edge(t, box(t.from_status_id), box(t.to_status_id), pair_count[pair])
        pair_count[pair] += 1
        parts.append(path)
        labels.append(label)
    for status in statuses:
        parts.extend(_node(status, *box(status.id)))
    parts.extend(labels)
    parts.append("</svg>")
    return Markup("".join(parts))


def application_types() -> list[ApplicationType]:
    """Every application type, in menu order (the graph's tabs)."""
    return list(db.session.execute(select(ApplicationType).order_by(ApplicationType.sort_order)).scalars())


def type_graph(type_id: int) -> tuple[ApplicationType, Markup, list[Transition]]:
    """One application type, its graph and its transitions in order; NotFound for no such type."""
    current = db.session.get(ApplicationType, type_id)
    if current is None:
        raise NotFound()
    transitions = list(db.session.execute(
        select(Transition).options(joinedload(Transition.from_status), joinedload(Transition.to_status))
        .where(Transition.application_type_id == type_id).order_by(Transition.sort_order, Transition.id)
    ).scalars())
    return current, render_svg(type_id), transitions
