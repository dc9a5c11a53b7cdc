"""Cross-check our hardware-time compute estimate against Epoch AI's notable-models table.

Run by hand from the repository root::

    python benchmarks/epoch_crosscheck.py [PATH_TO_epoch_notable_models.csv]

For every row with training hardware, hardware quantity, training time and training compute,
compute count x hours x dense peak x MFU (the row's own MFU when given, else our assumption)
and print n, the median |log10(ours / Epoch)| and the worst 10 rows with the likely reason.
Data: Epoch AI, "Parameter, Compute and Data Trends in Machine Learning" (CC BY 4.0), copy in
../shared/reference/epoch_notable_models_2025-06.csv.
"""

from __future__ import annotations

import sys

import pandas as pd
from _common import EPOCH_CSV, input_path

from audit.crosscheck import epoch_crosscheck, summarise


def main(argv: list[str]) -> int:
    path = input_path(argv, EPOCH_CSV, "the Epoch notable-models CSV")
    if path is None:
        return 1
    frame = epoch_crosscheck(pd.read_csv(path))
    s = summarise(frame, worst=10)
    own = frame[frame["mfu_source"].str.startswith("epoch")]
    print(f"Epoch notable models: {path.name}")
    print(f"rows with hardware, quantity, time and compute: {len(frame)}")
    print(f"n compared (hardware mapped): {s['n']}; unmapped: {s['unmapped']}")
    print(f"median |log10(ours / Epoch)|: {s['median_abs_log10']:.3f}  "
          f"(within 2x: {s['within_2x']:.0%})")
    if len(own.dropna(subset=["log10_ratio"])):
        print(f"  rows with Epoch's own MFU: n = {own['log10_ratio'].notna().sum()}, median "
              f"{own['abs_log10'].median():.3f}")
    ok = frame.dropna(subset=["log10_ratio"])
    print(f"  median log10(ours / Epoch) (signed): {ok['log10_ratio'].median():+.3f}")
    print("\nworst 10:")
    for r in s["worst"].itertuples():
        print(f"  {r.log10_ratio:+6.2f}  {r.model[:38]:38s} {r.hardware[:28]:28s} "
              f"n={r.count:g} t={r.hours:g} h mfu={r.mfu:.2f} ({r.mfu_source})\n"
              f"          -> {r.reason}")
    print("\nunmapped hardware (not compared):")
    for hw, k in s["unmapped_rows"]["hardware"].value_counts().items():
        print(f"  {k:3d}  {hw}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
