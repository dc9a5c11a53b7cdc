"""Cross-check of the hardware-time estimate against Epoch AI's notable-models database.

For every row of Epoch's "Parameter, Compute and Data Trends in Machine Learning" (notable
models, CC BY 4.0) that gives training hardware, hardware quantity, training time and training
compute, the hardware-time estimate of :mod:`audit.reconstruct` is computed from the row::

    ours = count x hours x 3600 [s/h] x dense peak [FLOP/s] x MFU

with our accelerator registry (the row's hardware name mapped by
:func:`audit.assumptions.find_accelerator`), the precision of the row's "Numerical format"
(else our default: bf16, fp16, tf32, fp32), and the row's own "Hardware utilization (MFU)"
when present (one row stores it as a percentage), else our MFU assumption (registry row
``mfu-llm-default``, or ``mfu-pre2021`` before 2021).  The figure of merit is
|log10(ours / Epoch)|; ``benchmarks/epoch_crosscheck.py`` prints its median and the worst rows
with the likely reason.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from audit import assumptions as reg
from audit.errors import UnknownAssumptionError
from audit.reconstruct import accelerator_hours_from_count_duration, compute_from_accelerator_hours
from audit.units import Q_

REQUIRED = ("Training hardware", "Hardware quantity", "Training time (hours)",
            "Training compute (FLOP)")
#: Epoch "Numerical format" -> our precision keys.
FORMATS = {"BF16": "bf16", "FP16": "fp16", "FP32": "fp32", "TF32": "tf32", "FP8": "fp8"}
#: |log10 ratio| below which a row agrees (a factor of 2).
AGREES = math.log10(2)


@dataclass(frozen=True)
class CrossRow:
    """One Epoch row compared with our hardware-time estimate.

    Attributes
    ----------
    ours, epoch : float or None
        Training compute [FLOP]: our hardware-time estimate and Epoch's figure.
    log10_ratio : float or None
        log10(ours / epoch) [-]; None when the hardware could not be mapped.
    reason : str
        Why the row is unmapped or far off (empty when it agrees within a factor of 2).
    """

    model: str
    hardware: str
    accelerator: str | None
    count: float
    hours: float
    precision: str | None
    peak: float | None
    mfu: float | None
    mfu_source: str
    ours: float | None
    epoch: float
    log10_ratio: float | None
    method: str
    reason: str


def map_hardware(text: str) -> tuple[str | None, str]:
    """Our accelerator id for Epoch's "Training hardware" cell.

    Parameters
    ----------
    text : str
        E.g. ``"NVIDIA A100 SXM4 80 GB"`` or ``"Google TPU v5e,Google TPU v3"``.

    Returns
    -------
    tuple of (str or None, str)
        The id (None when unmapped) and the reason when unmapped.  Several hardware types
        map only when they share the same dense peaks (``A100 SXM4 40 GB,A100 SXM4 80 GB``).

    Examples
    --------
    >>> map_hardware("NVIDIA A100 SXM4 80 GB")
    ('nvidia-a100-sxm4-80gb', '')
    >>> map_hardware("NVIDIA GeForce GTX 1080 Ti")
    (None, 'unmapped hardware: NVIDIA GeForce GTX 1080 Ti (not in accelerators.csv)')
    """
    parts = [p.strip() for p in str(text).split(",") if p.strip()]
    ids = [reg.find_accelerator(p) for p in parts]
    missing = [p for p, i in zip(parts, ids, strict=True) if i is None]
    if missing:
        return None, f"unmapped hardware: {', '.join(missing)} (not in accelerators.csv)"
    peaks = {tuple(sorted(reg.accelerator(i).peaks.items())) for i in ids}
    if len(peaks) > 1:
        return None, f"mixed hardware with different peaks: {text} (split unknown)"
    return ids[0], ""


def row_mfu(value: Any, year: int | None) -> tuple[float, str]:
    """The MFU to use for a row: its own (a percentage above 1 is divided by 100), else ours.

    Parameters
    ----------
    value : float or NaN
        Epoch's "Hardware utilization (MFU)".
    year : int or None
        Publication year (our assumption is ``mfu-pre2021`` before 2021).

    Returns
    -------
    tuple of (float [dimensionless], str)
        The MFU and where it came from (``epoch``, ``epoch (percent)`` or an assumption id).
    """
    if value is not None and not (isinstance(value, float) and math.isnan(value)):
        v = float(value)
        return (v / 100, "epoch (percent)") if v > 1 else (v, "epoch")
    a = reg.lookup("mfu", "pre-2021" if year is not None and year < 2021 else None, year,
                   "default")
    return a.value, a.id


def _precision(fmt: Any) -> str | None:
    if not isinstance(fmt, str):
        return None
    return FORMATS.get(fmt.split(",")[0].strip().upper())


def _peak(acc: reg.Accelerator, precision: str | None) -> tuple[float, str | None]:
    try:
        return float(acc.peak(precision).magnitude), precision
    except UnknownAssumptionError:  # e.g. BF16 on a V100: fall back to our default order
        return float(acc.peak().magnitude), None


def hardware_time_compute(count: float, hours: float, peak: float, mfu: float) -> float:
    """Training compute by hardware time [FLOP] = count x hours x peak [FLOP/s] x MFU.

    Parameters
    ----------
    count : float [dimensionless]
        Accelerators (chips).
    hours : float [hour]
        Wall-clock training time.
    peak : float [FLOP/s]
        Dense peak per chip.
    mfu : float [dimensionless]

    Returns
    -------
    float [FLOP]

    Examples
    --------
    >>> f"{hardware_time_compute(1024, 1385, 1.23e14, 0.565):.3e}"
    '3.548e+23'
    """
    h = accelerator_hours_from_count_duration(Q_(count, ""), Q_(hours, "hour"))
    return float(compute_from_accelerator_hours(h, Q_(peak, "FLOP/s"), Q_(mfu, "")).magnitude)


def _reason(row: Mapping[str, Any], acc: reg.Accelerator, precision: str | None,
            lr: float) -> str:
    if abs(lr) <= AGREES:
        return ""
    method = str(row.get("Training compute estimation method") or "not stated")
    base = row.get("Base model")
    notes = str(row.get("Training compute notes") or "").lower()
    if lr < 0 and isinstance(base, str) and base.strip():
        return (f"fine-tune of {base}: Epoch's compute includes the base model, the hours are "
                "the fine-tune's")
    if "Hardware" not in method:
        return f"Epoch's compute is by {method}, not hardware time"
    if acc.cores_per_chip > 1 and "core" in notes:
        return "TPU cores vs chips: Epoch's note counts cores"
    if precision == "fp8":
        return "FP8 peak (2x BF16) against a compute Epoch counted at another precision"
    if precision is None and "fp32" in acc.peaks and lr > 0:
        ratio = acc.peak().magnitude / acc.peaks["fp32"]
        if ratio > 2:
            return (f"precision not given: our default peak is {ratio:.0f}x the FP32 peak Epoch "
                    "may have used")
    if lr < 0:
        return "hours or count cover part of the run (or several runs are in Epoch's compute)"
    return "hours or count cover more than the run Epoch counts (or a lower utilisation)"


def crosscheck_row(row: Mapping[str, Any]) -> CrossRow:
    """Compare one Epoch row with our hardware-time estimate (see the module docstring).

    Parameters
    ----------
    row : mapping
        A row of the Epoch notable-models CSV (column names as in the file).

    Returns
    -------
    CrossRow
    """
    date = str(row.get("Publication date") or "")
    year = int(date[:4]) if date[:4].isdigit() else None
    count, hours = float(row["Hardware quantity"]), float(row["Training time (hours)"])
    epoch = float(row["Training compute (FLOP)"])
    method = str(row.get("Training compute estimation method") or "")
    acc_id, why = map_hardware(row["Training hardware"])
    mfu, source = row_mfu(row.get("Hardware utilization (MFU)"), year)
    common = {"model": str(row["Model"]), "hardware": str(row["Training hardware"]),
              "count": count, "hours": hours, "mfu": mfu, "mfu_source": source,
              "epoch": epoch, "method": method}
    if acc_id is None:
        return CrossRow(accelerator=None, precision=None, peak=None, ours=None,
                        log10_ratio=None, reason=why, **common)
    acc = reg.accelerator(acc_id)
    peak, precision = _peak(acc, _precision(row.get("Numerical format")))
    ours = hardware_time_compute(count, hours, peak, mfu)
    lr = math.log10(ours / epoch)
    return CrossRow(accelerator=acc_id, precision=precision, peak=peak, ours=ours,
                    log10_ratio=lr, reason=_reason(row, acc, precision, lr), **common)


def epoch_crosscheck(df: pd.DataFrame) -> pd.DataFrame:
    """Compare every complete row of Epoch's notable-models table.

    Parameters
    ----------
    df : pandas.DataFrame
        ``epoch_notable_models_*.csv`` as read by :func:`pandas.read_csv`.

    Returns
    -------
    pandas.DataFrame
        One row per Epoch row with all of :data:`REQUIRED`, columns as :class:`CrossRow`,
        plus ``abs_log10``.

    Raises
    ------
    KeyError
        If a required column is missing.
    """
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise KeyError(f"Epoch table lacks columns {missing}")
    rows = [asdict(crosscheck_row(r)) for r in
            df.dropna(subset=list(REQUIRED)).to_dict(orient="records")]
    out = pd.DataFrame(rows)
    out["abs_log10"] = out["log10_ratio"].abs()
    return out


def summarise(frame: pd.DataFrame, worst: int = 10) -> dict[str, Any]:
    """n, median |log10(ours / Epoch)|, share within a factor of 2, the worst rows, unmapped.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`epoch_crosscheck`.
    worst : int
        How many of the farthest rows to return.

    Returns
    -------
    dict
        ``n`` (rows compared), ``median_abs_log10``, ``within_2x`` (share), ``unmapped``
        (count), ``worst`` (DataFrame of the farthest rows), ``unmapped_rows``.
    """
    ok = frame[frame["log10_ratio"].notna()]
    return {"n": int(len(ok)), "median_abs_log10": float(ok["abs_log10"].median()),
            "within_2x": float((ok["abs_log10"] <= AGREES).mean()),
            "unmapped": int(frame["log10_ratio"].isna().sum()),
            "worst": ok.sort_values("abs_log10", ascending=False).head(worst),
            "unmapped_rows": frame[frame["log10_ratio"].isna()]}


__all__ = ["CrossRow", "crosscheck_row", "epoch_crosscheck", "hardware_time_compute",
           "map_hardware", "row_mfu", "summarise"]
