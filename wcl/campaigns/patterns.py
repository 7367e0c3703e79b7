"""Textile-pattern covers for campaigns without a photo: kurak patchwork or shyrdak felt.

A campaign whose creator gave no photo (or no consent to show one) still gets a
cover that looks like the work of the lab, not a flat block: an SVG drawn from
the campaign's id, so the same campaign always has the same pattern, in about
two kilobytes (phones on slow connections pay for every byte).

* kurak: patchwork of squares, each cut on a diagonal into two triangles of
  different cloths (one path per colour keeps the file small);
* shyrdak: felt in two colours with the ram's-horn motif (kochkor muiuz)
  repeated in a grid inside a border, as on the felt carpets of Naryn.
"""

import random

WIDTH, HEIGHT = 480, 300

# Colours of dyed felt and cotton in Kyrgyz textiles: madder red, indigo, walnut
# brown, saffron, felt white, green. Pairs are chosen to keep the motif visible.
PALETTE = ("#a3262a", "#1f3a5f", "#6b3e26", "#d9a441", "#f3e9d2", "#2e6b4f", "#c8553d", "#274c77")
SHYRDAK_PAIRS = (
    ("#a3262a", "#f3e9d2"),
    ("#1f3a5f", "#d9a441"),
    ("#2e6b4f", "#f3e9d2"),
    ("#6b3e26", "#d9a441"),
    ("#274c77", "#c8553d"),
)

# One ram's horn motif in a 60 × 60 cell: a diamond with four horns curling outwards.
_MOTIF = (
    "M30 16 L44 30 L30 44 L16 30Z"
    "M30 16C30 6 42 4 44 12C45 17 39 19 37 15"
    "M44 30C54 30 56 42 48 44C43 45 41 39 45 37"
    "M30 44C30 54 18 56 16 48C15 43 21 41 23 45"
    "M16 30C6 30 4 18 12 16C17 15 19 21 15 23"
)


def _kurak(rng):
    size = 60
    paths = {}
    colours = rng.sample(PALETTE, 5)
    for row in range(HEIGHT // size):
        for col in range(WIDTH // size):
            x, y = col * size, row * size
            a, b = rng.sample(colours, 2)
            if rng.random() < 0.5:
                first = f"M{x} {y}h{size}L{x} {y + size}Z"
                second = f"M{x + size} {y}v{size}h-{size}Z"
            else:
                first = f"M{x} {y}h{size}v{size}Z"
                second = f"M{x} {y}L{x + size} {y + size}H{x}Z"
            paths.setdefault(a, []).append(first)
            paths.setdefault(b, []).append(second)
    body = "".join(f'<path fill="{c}" d="{"".join(d)}"/>' for c, d in paths.items())
    # Seams: the stitched lines of the patchwork.
    seams = "".join(f"M{x} 0V{HEIGHT}" for x in range(size, WIDTH, size)) + "".join(
        f"M0 {y}H{WIDTH}" for y in range(size, HEIGHT, size)
    )
    return body + f'<path d="{seams}" stroke="#f3e9d2" stroke-width="2" stroke-dasharray="4 3"/>'


def _shyrdak(rng):
    ground, figure = rng.choice(SHYRDAK_PAIRS)
    if rng.random() < 0.5:
        ground, figure = figure, ground
    uses = "".join(
        f'<use href="#m" x="{30 + col * 70}" y="{30 + row * 80}"/>' for row in range(3) for col in range(6)
    )
    return (
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{ground}"/>'
        f'<defs><path id="m" d="{_MOTIF}" fill="none" stroke="{figure}" stroke-width="5" '
        'stroke-linecap="round"/></defs>'
        f'<rect x="8" y="8" width="{WIDTH - 16}" height="{HEIGHT - 16}" fill="none" '
        f'stroke="{figure}" stroke-width="6"/>'
        f'<rect x="18" y="18" width="{WIDTH - 36}" height="{HEIGHT - 36}" fill="none" '
        f'stroke="{figure}" stroke-width="2" stroke-dasharray="10 6"/>' + uses
    )


def cover_svg(seed):
    """The SVG cover of the campaign with id ``seed`` (same id, same pattern)."""
    rng = random.Random(f"wcl-cover-{seed}")
    body = _kurak(rng) if seed % 2 else _shyrdak(rng)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}">{body}</svg>'
    )
