"""Threshold verdicts from the inputs Epoch AI records, against Epoch's own compute figures.

Run by hand from the repository root::

    python benchmarks/epoch_thresholds.py [PATH_TO_epoch_notable_models.csv]

For every model Epoch lists at or above 1e25 FLOP, replay our verdict on the EU AI Act line
(> 1e25 FLOP, strict: exactly 1e25 is not above) from the inputs Epoch records: parameters x
dataset size (6ND, plus the base model's compute for a fine-tune, as a cumulative regime
counts it), else hardware quantity x training time x dense peak x MFU (Epoch's MFU when
recorded, else the registry's, sampled).  Print the agreement and every disagreement with its
reason (and Epoch's own note on how it got its figure); then the same at the 1e26 line.
Data: Epoch AI, "Parameter, Compute and Data Trends in Machine Learning" (CC BY 4.0), copy in
../shared/reference/epoch_notable_models_2025-06.csv.
"""

from __future__ import annotations

import sys

from _common import EPOCH_CSV, input_path

from audit.governance import epoch_agreement, epoch_checks, load_epoch

LINES = ((1e25, "EU AI Act Art. 51(2), > 1e25 FLOP"), (1e26, "SB 53 / EO 14110, > 1e26 FLOP"))


def _note(row: dict[str, str]) -> str:
    text = " ".join((row.get("Training compute notes") or "").split())
    return text[:220] + ("..." if len(text) > 220 else "")


def main(argv: list[str]) -> int:
    path = input_path(argv, EPOCH_CSV, "the Epoch notable-models CSV")
    if path is None:
        return 1
    rows = load_epoch(path)
    by_name = {r["Model"]: r for r in rows}
    print(f"Epoch notable models: {path.name} ({len(rows)} rows); models at or above 1e25 FLOP")
    for threshold, label in LINES:
        checks = epoch_checks(rows, threshold=threshold)
        a = epoch_agreement(checks)
        print(f"\n== {label}")
        print(f"agreement: {a['agree']}/{a['n']} ({a['share']:.0%}) of the models; "
              f"{a['agree_with_inputs']}/{a['with_inputs']} ({a['share_with_inputs']:.0%}) of "
              f"those whose recorded inputs give an estimate; "
              f"{a['n'] - a['with_inputs']} have no inputs to replay")
        for c in checks:
            if c.agrees:
                extra = f"  [{c.reason}]" if c.reason else ""
                print(f"  agree    {c.model[:30]:30s} Epoch {c.epoch_compute:.3g}, ours "
                      f"{c.estimate:.3g} ({c.method}){extra}")
        for c in a["disagreements"]:
            ours = "-" if c.estimate is None else (
                f"{c.estimate:.3g} [{c.estimate_low:.3g}, {c.estimate_high:.3g}]")
            print(f"  DISAGREE {c.model[:30]:30s} Epoch {c.epoch_compute:.6g} "
                  f"({c.epoch_verdict}), ours {ours} ({c.verdict}, {c.method})\n"
                  f"           reason: {c.reason}\n"
                  f"           Epoch's note: {_note(by_name.get(c.model, {})) or '-'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
