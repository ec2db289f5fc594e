"""Static SVG bar charts: no script, no third-party library, text escaped."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

ROW = 26
LABEL_WIDTH = 120
BAR_WIDTH = 190


def bar_chart(title: str, rows: Sequence[tuple[str, int, int]]) -> Markup:
    """Horizontal stacked bars of (label, not deregistered, deregistered), scaled to the
    largest row: the first counts the accounts in use and the suspended ones."""
    largest = max((active + gone for _, active, gone in rows), default=0) or 1
    height = ROW * len(rows) + 30
    parts = [f'<svg class="sg-svg" viewBox="0 0 {LABEL_WIDTH + BAR_WIDTH + 50} {height}" '
             f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for i, (label, active, gone) in enumerate(rows):
        y = i * ROW + 4
        shown = label if len(label) <= 8 else label[:7] + "…"
        a_width = round(BAR_WIDTH * active / largest, 1)
        g_width = round(BAR_WIDTH * gone / largest, 1)
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end" '
                     f'font-size="13">{escape(shown)}</text>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{a_width}" height="18" '
                     f'class="sg-bar-active"/>')
        if gone:
            parts.append(f'<rect x="{LABEL_WIDTH + a_width}" y="{y}" width="{g_width}" '
                         f'height="18" class="sg-bar-gone"/>')
        parts.append(f'<text x="{LABEL_WIDTH + a_width + g_width + 4}" y="{y + 15}" '
                     f'font-size="12">{active + gone}</text>')
    legend_y = ROW * len(rows) + 18
    parts.append(f'<rect x="{LABEL_WIDTH}" y="{legend_y - 10}" width="12" height="12" '
                 f'class="sg-bar-active"/><text x="{LABEL_WIDTH + 16}" y="{legend_y}" '
                 f'font-size="12">在用（含暂停使用）</text>')
    parts.append(f'<rect x="{LABEL_WIDTH + 130}" y="{legend_y - 10}" width="12" height="12" '
                 f'class="sg-bar-gone"/><text x="{LABEL_WIDTH + 146}" y="{legend_y}" '
                 f'font-size="12">已注销</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
