"""Charts as PNG: a tornado per report, the threshold chart, and the meters chart.

matplotlib is imported inside each function and draws through the Agg canvas directly (no
pyplot, no global backend switch), with fixed size, dpi, fonts and metadata, so the same
inputs give byte-identical files (PNG ``Software`` metadata removed).  Files are written
atomically (:func:`audit.records.write_atomic`).
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from audit.records import Flag, Footprint, write_atomic
from audit.tables import METERS as DISPLAY_METERS
from audit.units import Q_, parse_unit

DPI = 110
_RC = {"font.family": "DejaVu Sans", "font.size": 8, "axes.titlesize": 9,
       "svg.hashsalt": "footprint-audit", "path.simplify": False}
_METHOD_COLOURS = {"reported": "#1b7837", "6ND": "#2166ac", "hardware-time": "#b2182b"}
_STATUS_MARKERS = {"reported": "s", "derived": "o", "assumed": "D"}
METERS = (("accelerator_hours", "accelerator-hours"), ("facility_energy", "facility energy"),
          ("emissions", "emissions"), ("cost", "cost"), ("training_compute", "training compute"))


def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Any, path: str | os.PathLike[str]) -> Path:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return write_atomic(path, buf.getvalue())


def _label(model: str, report_id: str, width: int = 48) -> str:
    text = f"{model} ({report_id})"
    return text if len(text) <= width else text[: width - 3] + "..."


def _rc():  # noqa: ANN202 - a context manager
    import matplotlib

    return matplotlib.rc_context(_RC)


@contextmanager
def _chart(path: str | os.PathLike[str], width: float, height: float) -> Iterator[Any]:
    """A ``width`` x ``height`` inch figure under the fixed rc settings; on leaving the block
    it is laid out and written to ``path``."""
    with _rc():
        fig = _figure(width, height)
        yield fig
        fig.tight_layout()
        _save(fig, path)


def _interval(ax: Any, y: float, value: float, lo: float, hi: float,
              bar: dict[str, Any] | None, point: dict[str, Any]) -> None:
    """A horizontal bar from ``lo`` to ``hi`` (none when ``bar`` is None) and a point at
    ``value``, on row ``y``."""
    if bar is not None:
        ax.plot([lo, hi], [y, y], **bar)
    ax.plot([value], [y], markersize=3.5, **point)


def _legend(ax: Any, fontsize: float, styles: dict[str, dict[str, Any]] | None = None) -> None:
    """The legend, lower right; ``styles`` adds a proxy entry per label (label -> plot style)."""
    for label, style in (styles or {}).items():
        ax.plot([], [], label=label, **style)
    ax.legend(loc="lower right", fontsize=fontsize, frameon=False)


def _empty(path: str | os.PathLike[str], text: str) -> Path:
    with _rc():
        fig = _figure(6.0, 1.2)
        ax = fig.add_subplot()
        ax.axis("off")
        ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True)
        return _save(fig, path)


def tornado(rows: Iterable[Any], path: str | os.PathLike[str], *,
            meter: str = "emissions") -> Path:
    """Tornado chart of one report: one panel per model, one bar per assumption.

    Parameters
    ----------
    rows : iterable of SensitivityRow
        :func:`audit.sensitivity.analyse` rows of one report (other meters are ignored).
    path : path-like
        The PNG to write (parents are created).
    meter : str
        The meter to chart (default ``emissions`` [tCO2e]).

    Returns
    -------
    pathlib.Path
        ``path``.  With no row for ``meter`` the PNG says so instead of a chart.

    Raises
    ------
    OSError
        If the file cannot be written.

    Notes
    -----
    Each bar runs from the meter with the assumption at its low to the meter with it at its
    high (others central); the vertical line is the central value; bars are in rank order
    (rank 1 on top) and labelled with S1.
    """
    rows = [r for r in rows if r.meter == meter]
    if not rows:
        return _empty(path, f"no ranged assumption affects {meter} (reported, or not estimated)")
    models = list(dict.fromkeys(r.model for r in rows))
    report = rows[0].report_id
    heights = [max(1.2, 0.45 * sum(r.model == m for r in rows) + 0.9) for m in models]
    with _chart(path, 7.5, sum(heights)) as fig:
        axes = fig.subplots(len(models), 1, squeeze=False,
                            gridspec_kw={"height_ratios": heights})[:, 0]
        for ax, model in zip(axes, models, strict=True):
            mine = sorted((r for r in rows if r.model == model), key=lambda r: r.rank)
            central = mine[0].central
            labels = [f"{r.name}\n{r.assumption} [{r.low:g}, {r.high:g}]" for r in mine]
            ys = list(range(len(mine)))[::-1]
            for y, r in zip(ys, mine, strict=True):
                ax.barh(y, r.swing_low - central, left=central, color="#4393c3", height=0.6,
                        label="at low" if y == ys[0] else None)
                ax.barh(y, r.swing_high - central, left=central, color="#d6604d", height=0.6,
                        label="at high" if y == ys[0] else None)
                hi = max(r.swing_low, r.swing_high)
                ax.annotate(f"S1 {r.S1:.2f}", (hi, y), xytext=(4, 0),
                            textcoords="offset points", va="center")
            ax.axvline(central, color="black", linewidth=0.8)
            ax.set_yticks(ys, labels)
            ax.set_title(f"{report}: {model}")
            ax.set_xlabel(f"{meter} [{mine[0].unit}] (central {central:,.4g})")
            ax.margins(x=0.18)
            _legend(ax, 7)
    return Path(path)


def thresholds_chart(flags: Iterable[Flag], path: str | os.PathLike[str]) -> Path:
    """Every model's training-compute interval on a log axis, with the threshold lines.

    Parameters
    ----------
    flags : iterable of Flag
        :func:`audit.governance.flags` output; one point per (report, model) with an
        estimate, the threshold lines from the regimes present.
    path : path-like
        The PNG to write.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    OSError
        If the file cannot be written.

    Notes
    -----
    The point is the central estimate [FLOP], the bar its 5-95 % interval, the colour the
    method (reported, 6ND, hardware-time).  One dashed line per threshold value, labelled
    with the regimes that use it and their comparison (> or >=).
    """
    flags = list(flags)
    points: dict[tuple[str, str], Flag] = {}
    for f in flags:
        if f.estimate is not None and f.estimate > 0:
            points.setdefault((f.report_id, f.model), f)
    lines: dict[float, list[str]] = {}
    for f in flags:
        label = f"{f.regime} ({'>' if f.comparison == 'gt' else '>='})"
        if label not in lines.setdefault(f.threshold, []):
            lines[f.threshold].append(label)
    if not points:
        return _empty(path, "no model has a training-compute estimate")
    items = sorted(points.values(), key=lambda f: (f.estimate, f.report_id, f.model))
    with _chart(path, 9.0, max(3.0, 0.2 * len(items) + 1.2)) as fig:
        ax = fig.add_subplot()
        for y, f in enumerate(items):
            lo = f.estimate_low if f.estimate_low else f.estimate
            hi = f.estimate_high if f.estimate_high else f.estimate
            colour = _METHOD_COLOURS.get(f.method, "grey")
            _interval(ax, y, f.estimate, lo, hi,
                      {"color": colour, "linewidth": 2.5, "solid_capstyle": "butt"},
                      {"marker": "o", "color": colour})
        for thr, regimes in sorted(lines.items()):
            ax.axvline(thr, color="black", linewidth=0.8, linestyle="--")
            ax.annotate(f"{thr:.0e} FLOP: {', '.join(regimes)}", (thr, 0.99),
                        xycoords=("data", "axes fraction"), xytext=(-3, 0),
                        textcoords="offset points", fontsize=6.5, rotation=90, ha="right",
                        va="top")
        ax.set_xscale("log")
        ax.set_yticks(range(len(items)), [_label(f.model, f.report_id) for f in items],
                      fontsize=6.5)
        ax.set_xlabel("training compute [FLOP] (point: central; bar: 5-95 %)")
        ax.set_ylim(-0.8, len(items) - 0.2)
        _legend(ax, 7, {method: {"color": colour, "linewidth": 2.5}
                        for method, colour in _METHOD_COLOURS.items()})
    return Path(path)


def meters_chart(footprints: Sequence[Footprint], path: str | os.PathLike[str]) -> Path:
    """The meters of every model on log axes, with their 5-95 % intervals.

    Parameters
    ----------
    footprints : sequence of Footprint
        One row per footprint; panels accelerator-hours [hour], facility energy [MWh],
        emissions [tCO2e], cost [USD], training compute [FLOP].
    path : path-like
        The PNG to write.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    OSError
        If the file cannot be written.

    Notes
    -----
    Marker: square reported, circle derived, diamond assumed.  Values that are not positive
    (e.g. emissions reported as 0 with a market basis) cannot sit on a log axis and are left
    out.
    """
    fps = list(footprints)
    if not fps:
        return _empty(path, "no footprints")
    with _chart(path, 12.0, max(2.5, 0.2 * len(fps) + 1.3)) as fig:
        axes = fig.subplots(1, len(METERS), sharey=True)
        ys = list(range(len(fps)))[::-1]
        for ax, (key, title) in zip(axes, METERS, strict=True):
            unit = DISPLAY_METERS[key][1] if key in DISPLAY_METERS else ""
            for y, fp in zip(ys, fps, strict=True):
                mt = fp.meters.get(key)
                if mt is None or not (mt.value > 0) or math.isinf(mt.value):
                    continue
                unit = unit or mt.unit
                # one axis, one unit: kgCO2e and tCO2e rows (or h and hour) are converted
                k = float(Q_(1.0, parse_unit(mt.unit)).to(parse_unit(unit)).magnitude)
                value = mt.value * k
                lo, hi = (mt.low or mt.value) * k, (mt.high or mt.value) * k
                _interval(ax, y, value, lo, hi,
                          {"color": "#4d4d4d", "linewidth": 1.6} if lo > 0 and hi > 0 else None,
                          {"marker": _STATUS_MARKERS.get(mt.status, "o"), "color": "#2166ac",
                           "linestyle": "none"})
            ax.set_xscale("log")
            ax.set_title(f"{title} [{unit}]" if unit else title)
            ax.grid(axis="x", linewidth=0.3)
        axes[0].set_yticks(ys, [_label(fp.model, fp.report_id) for fp in fps],
                           fontsize=6)
        _legend(axes[-1], 6.5, {status: {"marker": marker, "color": "#2166ac",
                                         "linestyle": "none"}
                                for status, marker in _STATUS_MARKERS.items()})
    return Path(path)


__all__ = ["tornado", "thresholds_chart", "meters_chart"]
