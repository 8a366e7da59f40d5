"""Charts drawn on the server as SVG (no script), each with a text alternative."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT, BAR_GAP = 440, 160, 4


def histogram_svg(counts: list[int], labels: list[str], title: str) -> Markup:
    """A bar chart of ``counts``; the numbers are written on the bars as well."""
    top = max(counts) or 1
    bar = (WIDTH - BAR_GAP * len(counts)) / len(counts)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT + 34}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (count, label) in enumerate(zip(counts, labels, strict=True)):
        height = round(count / top * (HEIGHT - 16))
        x = round(index * (bar + BAR_GAP), 1)
        y = HEIGHT - height
        parts.append(
            f'<rect x="{x}" y="{y}" width="{round(bar, 1)}" height="{height}" fill="#1d5e8c"/>'
            f'<text x="{x + bar / 2:.1f}" y="{y - 3}" text-anchor="middle" '
            f'font-size="11">{count}</text>'
            f'<text x="{x + bar / 2:.1f}" y="{HEIGHT + 14}" text-anchor="middle" '
            f'font-size="10">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
