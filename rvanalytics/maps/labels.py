"""Labels that do not collide: city names beside their own point, region names inside their region.

``place_labels`` is a small greedy search (no extra dependency): labels are placed in
order; each tries directions at growing distances from its anchor and takes the first
spot that overlaps nothing placed before and reads as its own city's (see
``docs/maps.md``, *Label placement*). ``label_inside`` writes names inside polygons,
on two lines, smaller or in a short form where needed. ``rvanalytics.maps.layout``
re-exports the public names.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.patheffects as pe
import numpy as np
from matplotlib.axes import Axes
from matplotlib.text import Text
from matplotlib.transforms import Bbox

__all__ = ["label_inside", "label_points", "place_labels", "short_name", "wrap_name"]


def label_points(geoms) -> list[tuple[float, float]]:
    """Where to anchor a label in each polygon: the centre of the largest inscribed
    circle of its largest part (``shapely.ops.polylabel``), well inside the shape."""
    from shapely.ops import polylabel

    out = []
    for geom in geoms:
        part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
        tol = max(10.0, (part.area ** 0.5) / 200)
        try:
            p = polylabel(part, tolerance=tol)
        except Exception:  # noqa: BLE001 - degenerate shape: fall back to a point surely inside
            p = part.representative_point()
        out.append((p.x, p.y))
    return out

_DIRECTIONS = [(1, 0), (-1, 0), (0.7, 0.7), (-0.7, 0.7), (0.7, -0.7), (-0.7, -0.7), (0, 1), (0, -1)]
# in between, for the far spots of a crowded area (with a leader line)
_MORE_DIRECTIONS = [(0.92, 0.38), (-0.92, 0.38), (0.92, -0.38), (-0.92, -0.38),
                    (0.38, 0.92), (-0.38, 0.92), (0.38, -0.92), (-0.38, -0.92)]


def place_labels(
    ax: Axes,
    points: Sequence[tuple[float, float, str]],
    *,
    fontsize: float = 12,
    obstacles: Sequence[Axes] = (),
    fontweight: str = "bold",
    marker_pt: float = 6.0,
    center_first: bool = False,
    avoid: Sequence = (),
    color: str = "black",
    bounds: Bbox | None = None,
) -> list:
    """Place text labels next to points so that they do not overlap (greedy search).

    Each label, in the order given (put the most important first), tries eight
    directions at growing distances and takes the first spot that does not hit
    an already placed label, another point, an obstacle axes (e.g. the inset) or
    the edge of the axes; any spot not right beside its point gets a leader line. If no spot is free the
    least-overlapping one is used. ``center_first`` first tries the label centred
    on its point (for large polygons, e.g. in the inset); ``avoid`` are artists
    already on the map (e.g. other labels). A label nearer (or almost as near) to another
    point than to its own, or whose leader line passes by another point, would be read as
    that point's: such spots are taken only when every other spot hides something. Labels
    stay inside ``bounds`` (display coordinates; default: the axes). Returns the annotation artists.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_xlim(0, 10); _ = ax.set_ylim(0, 10)
    >>> arts = place_labels(ax, [(5, 5, "A"), (5.1, 5, "B")])
    >>> len(arts)
    2
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    for axes in (ax, *obstacles):  # final box positions (equal aspect, inset locators) before measuring
        _settle(axes, renderer)
    halo = [pe.withStroke(linewidth=3.5, foreground="white")]
    ax_box = bounds if bounds is not None else ax.get_window_extent(renderer)
    to_px = ax.transData.transform
    pts_px = [to_px((x, y)) for x, y, _ in points]
    scale = fig.dpi / 72.0
    m = marker_pt * scale
    taken: list[Bbox] = [Bbox.from_bounds(px - m / 2, py - m / 2, m, m) for px, py in pts_px]
    taken += [o.get_window_extent(renderer) for o in obstacles]
    taken += [a.get_window_extent(renderer) for a in avoid]  # e.g. labels written before
    artists = []
    n_markers = len(points)  # a centred label may cover point markers, not other labels or obstacles
    candidates = [(0.0, (0.0, 0.0))] if center_first else []
    candidates += [(float(dist), d) for dist in (7, 16, 28, 42, 58) for d in _DIRECTIONS]
    candidates += [(float(dist), d) for dist in (42, 58, 76, 96) for d in _MORE_DIRECTIONS]
    for i, ((x, y, label), (px, py)) in enumerate(zip(points, pts_px, strict=True)):
        others = np.array([q for j, q in enumerate(pts_px) if j != i], dtype=float).reshape(-1, 2)
        best = None
        # where no spot is clear at the full size (a crowded small-multiples panel), a smaller
        # label is better than one that hides something or reads as a neighbour's
        for size in (fontsize, 0.85 * fontsize, 0.72 * fontsize):
            margin = 0.25 * size * scale  # a label must be clearly nearer its own point than any other (pixels)
            for dist, (dx, dy) in candidates:
                ox, oy = dx * dist, dy * dist
                ha = "left" if dx > 0.1 else "right" if dx < -0.1 else "center"
                va = "bottom" if dy > 0.1 else "top" if dy < -0.1 else "center"
                ann = ax.annotate(label, (x, y), xytext=(ox, oy), textcoords="offset points", ha=ha, va=va,
                                  fontsize=size, fontweight=fontweight, zorder=40, path_effects=halo,
                                  annotation_clip=False, color=color)
                bb = ann.get_window_extent(renderer).expanded(1.06, 1.12)
                overlap = sum(_overlap_area(bb, t) for j, t in enumerate(taken)
                              if not (dist == 0 and j < n_markers))
                outside = (bb.x0 < ax_box.x0) or (bb.x1 > ax_box.x1) or (bb.y0 < ax_box.y0) or (bb.y1 > ax_box.y1)
                # Greedy placement that only avoids overlaps put "Lappeenranta" right under Tampere's dot
                # (and "Lahti" against Lappeenranta's): a label must read as its own city's.
                ambiguous = _ambiguous(Text.get_window_extent(ann, renderer), (px, py), others, margin,
                                       leader=dist > 7, relpos=(_RELPOS_X.get(ha, 0.5), _RELPOS_Y.get(va, 0.5)),
                                       clearance=m / 2 + margin)
                # outside the axes is worst, then hiding something, then being read as another city's
                cost = (outside, overlap > 0, ambiguous, overlap)
                if best is None or cost < best[0]:
                    if best is not None:
                        best[1].remove()
                    best = (cost, ann, bb, dist)
                else:
                    ann.remove()
                if cost == (False, False, False, 0.0):
                    break
            if best is not None and best[0] == (False, False, False, 0.0):
                break
        assert best is not None
        _, ann, bb, dist = best
        if dist > 7:  # not right beside its point: a leader line says whose label it is
            ann.remove()
            ann = ax.annotate(label, (x, y), xytext=ann.xyann, textcoords="offset points", ha=ann.get_ha(),
                              va=ann.get_va(), fontsize=ann.get_fontsize(), fontweight=fontweight, zorder=40,
                              path_effects=halo, annotation_clip=False, color=color,
                              arrowprops={"arrowstyle": "-", "color": "#1a1a1a", "linewidth": 1.5,
                                          "shrinkA": 0, "shrinkB": 3,
                                          # from the text's corner (or edge) nearest its point
                                          "relpos": (_RELPOS_X.get(ann.get_ha(), 0.5),
                                                     _RELPOS_Y.get(ann.get_va(), 0.5))})
        taken.append(bb)
        artists.append(ann)
    return artists


_RELPOS_X = {"left": 0.0, "right": 1.0}
_RELPOS_Y = {"bottom": 0.0, "top": 1.0}


def _box_distance(bb: Bbox, pts: np.ndarray) -> np.ndarray:
    """Distance (pixels) from each point of ``pts`` (n × 2) to the box ``bb`` (0 inside)."""
    dx = np.maximum.reduce([bb.x0 - pts[:, 0], np.zeros(len(pts)), pts[:, 0] - bb.x1])
    dy = np.maximum.reduce([bb.y0 - pts[:, 1], np.zeros(len(pts)), pts[:, 1] - bb.y1])
    return np.hypot(dx, dy)


def _segment_distance(a: np.ndarray, b: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Distance (pixels) from each point of ``pts`` to the segment ``a``–``b``."""
    ab = b - a
    t = np.clip(((pts - a) @ ab) / max(float(ab @ ab), 1e-12), 0.0, 1.0)
    return np.hypot(*(pts - (a + t[:, None] * ab)).T)


def _ambiguous(bb: Bbox, own: tuple[float, float], others: np.ndarray, margin: float, *, leader: bool,
               relpos: tuple[float, float], clearance: float) -> bool:
    """Would the label in ``bb`` be read as another point's: nearer (within ``margin``) to one of
    ``others`` than to ``own``, or its leader line passing within ``clearance`` of another point?"""
    if len(others) == 0:
        return False
    own_pt = np.array([own], dtype=float)
    if _box_distance(bb, others).min() < _box_distance(bb, own_pt)[0] + margin:
        return True
    if leader:
        start = np.array([bb.x0 + relpos[0] * bb.width, bb.y0 + relpos[1] * bb.height])
        return bool(_segment_distance(start, own_pt[0], others).min() < clearance)
    return False


def wrap_name(name: str) -> str:
    """Break a long place name onto two lines at its middle-most hyphen or space.

    Examples
    --------
    >>> wrap_name("Pohjois-Pohjanmaa")
    'Pohjois-\\nPohjanmaa'
    >>> wrap_name("Mellersta Österbotten")
    'Mellersta\\nÖsterbotten'
    >>> wrap_name("Lappi")
    'Lappi'
    """
    cuts = [i for i, ch in enumerate(name) if ch in "- " and 0 < i < len(name) - 1]
    if not cuts:
        return name
    i = min(cuts, key=lambda j: abs(len(name) / 2 - j))
    return name[: i + 1] + "\n" + name[i + 1 :] if name[i] == "-" else name[:i] + "\n" + name[i + 1 :]


def label_inside(
    ax: Axes,
    geoms,
    labels: Sequence[str],
    *,
    fontsize: float = 10,
    min_fontsize: float | None = None,
    avoid: Sequence = (),
    force: bool = False,
    fontstyle: str = "italic",
    color: str = "#333333",
    fontweight: str = "normal",
    min_inside: float = 0.96,
) -> list:
    """Write each label in its polygon, at the centre of its largest inscribed circle.

    Each label tries, from ``fontsize`` down to ``min_fontsize``, one line and
    then two lines (:func:`wrap_name`), and takes the first version that lies
    inside the polygon (at least ``min_inside`` of its box) and does not hit an
    earlier label or the artists/axes in ``avoid``. Small polygons are done first
    so that they get the room they need. Without ``force`` a label that fits
    nowhere is left out; with ``force`` it is then written, after all labels that
    fit, where it hits no other label (down to 0.8 × ``min_fontsize``, partly
    outside its polygon if need be), or where it overlaps least.
    Returns the texts written (in the order of ``labels``; None where left out).
    """
    from shapely.geometry import box

    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    _settle(ax, renderer)
    taken = []
    for a in avoid:
        if isinstance(a, Axes):
            _settle(a, renderer)
        taken.append(a.get_window_extent(renderer))
    halo = [pe.withStroke(linewidth=3.0 if fontstyle == "normal" else 2.5, foreground="white")]
    small = min_fontsize if min_fontsize is not None else fontsize
    sizes = [fontsize]
    while sizes[-1] * 0.88 >= small - 1e-9:
        sizes.append(sizes[-1] * 0.88)
    if sizes[-1] > small:
        sizes.append(small)
    geoms = list(geoms)
    anchors = label_points(geoms)
    pad = 2.0 * fig.dpi / 72.0  # keep 2 pt between labels (their halos)
    written: list = [None] * len(geoms)
    order = sorted(range(len(geoms)), key=lambda j: geoms[j].area)
    # first every label that fits; then (with force) the others, where they hit nothing
    for final in (False, True) if force else (False,):
        for i in order:
            if written[i] is not None:
                continue
            geom = geoms[i]
            names_ = list(dict.fromkeys([labels[i], short_name(labels[i])]))  # the full name at any size first
            spots = [anchors[i], *_inner_points(geom)]
            if final:  # also just beside the anchor, partly outside the polygon
                ax0, ay0 = anchors[i]
                step = 0.25 * (geom.area ** 0.5)
                spots += [(ax0 + k * step * dx, ay0 + k * step * dy) for k in (1, 2) for dx, dy in _DIRECTIONS]
            tries = [(fs, txt, xy) for n in names_ for fs in (sizes + [0.9 * sizes[-1], 0.8 * sizes[-1]] if final else sizes)
                     for txt in dict.fromkeys((n, wrap_name(n))) for xy in spots]
            best = None
            for fs, txt, (x, y) in tries:
                t = ax.text(x, y, txt, ha="center", va="center", fontsize=fs, fontstyle=fontstyle, color=color,
                            fontweight=fontweight, zorder=35, path_effects=halo, linespacing=1.0)
                bb = t.get_window_extent(renderer).padded(pad)
                (x0, y0), (x1, y1) = ax.transData.inverted().transform([[bb.x0, bb.y0], [bb.x1, bb.y1]])
                shape = box(x0, y0, x1, y1)
                inside = geom.intersection(shape).area / shape.area if shape.area else 0.0
                clash = sum(_overlap_area(bb, o) for o in taken)
                cost = (clash > 0, clash, max(min_inside - inside, 0.0))
                if best is None or cost < best[0]:
                    if best is not None:
                        best[1].remove()
                    best = (cost, t, bb)
                else:
                    t.remove()
                if cost == (False, 0.0, 0.0):
                    break
            assert best is not None
            cost, t, bb = best
            if cost != (False, 0.0, 0.0) and not final:
                t.remove()
                continue
            taken.append(bb)
            written[i] = t
    return written


_SHORT = (("Egentliga ", "Eg. "), ("Mellersta ", "Mell. "))


def short_name(name: str) -> str:
    """A shorter form of a long region name for tight spots (Swedish "Egentliga" → "Eg.").

    Examples
    --------
    >>> short_name("Egentliga Tavastland")
    'Eg. Tavastland'
    """
    for long, short in _SHORT:
        name = name.replace(long, short)
    return name


def _inner_points(geom, n: int = 16) -> list[tuple[float, float]]:
    """Up to ``n`` other label anchors well inside ``geom`` (its largest part): points of
    a grid, those furthest from the boundary first."""
    import shapely

    part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    minx, miny, maxx, maxy = part.bounds
    xs, ys = np.meshgrid(np.linspace(minx, maxx, 12)[1:-1], np.linspace(miny, maxy, 12)[1:-1])
    pts = shapely.points(xs.ravel(), ys.ravel())
    inside = pts[shapely.contains(part, pts)]
    if len(inside) == 0:
        return []
    depth = shapely.distance(part.exterior, inside)
    return [(p.x, p.y) for p in inside[np.argsort(-depth)][:n]]


def _settle(ax: Axes, renderer) -> None:
    parent = getattr(ax, "_parent_axes", None) or (ax.axes if ax.axes is not ax else None)
    if parent is not None and parent is not ax:
        parent.apply_aspect()
    locator = ax.get_axes_locator()
    if locator is not None:
        ax.apply_aspect(locator(ax, renderer))
    else:
        ax.apply_aspect()


def _overlap_area(a: Bbox, b: Bbox) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0
