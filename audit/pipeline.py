"""The orchestrator: audit one report, audit the embedded registry, write output/.

``audit_report`` takes a PDF, a Markdown card, a disclosure record (JSON) or a
:class:`Disclosure` and returns an :class:`AuditResult` (disclosure, footprints, flags).
``run`` audits every record in the registry folder ``reports/`` (the embedded default) and
writes ``comparison.{md,csv}`` and ``flags.csv`` atomically.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from audit import governance
from audit.assumptions import Assumption
from audit.errors import AuditError, MissingInputError
from audit.reconstruct import DEFAULT_SAMPLES, DEFAULT_SEED, reconstruct
from audit.records import Disclosure, Flag, Footprint, load_disclosures, write_atomic

INPUT_SUFFIXES = {".pdf", ".md", ".markdown", ".txt", ".json"}


@dataclass(frozen=True)
class AuditResult:
    """What one report disclosed, the reconstructed meters and the threshold flags."""

    disclosure: Disclosure
    footprints: tuple[Footprint, ...]
    flags: tuple[Flag, ...]

    def to_frame(self) -> pd.DataFrame:
        """The comparison table of this report (one row per model)."""
        from audit.tables import comparison_frame

        return comparison_frame(list(self.footprints), list(self.flags))


@dataclass(frozen=True)
class RunResult:
    """A batch: the results, the files that failed, and the files written."""

    results: tuple[AuditResult, ...]
    errors: tuple[tuple[str, str, str], ...] = ()  # (file, error type, message)
    written: tuple[Path, ...] = field(default_factory=tuple)

    @property
    def footprints(self) -> list[Footprint]:
        return [fp for r in self.results for fp in r.footprints]

    @property
    def flags(self) -> list[Flag]:
        return [f for r in self.results for f in r.flags]

    def to_frame(self) -> pd.DataFrame:
        from audit.tables import comparison_frame

        return comparison_frame(self.footprints, self.flags)


def default_registry() -> Path:
    """The embedded registry folder ``reports/`` (source checkout or installed share)."""
    here = Path(__file__).resolve().parent
    for cand in (here.parent / "reports", here / "reports"):
        if cand.is_dir():
            return cand
    raise MissingInputError("the embedded registry reports/ is not installed; run from a "
                            "source checkout (pip install -e .) or pass --registry DIR")


def load_input(path: str | os.PathLike[str]) -> list[Disclosure]:
    """Disclosures from a PDF, a card, or a JSON record (one or a list).

    Raises
    ------
    MissingInputError, ExtractionError, SchemaError
        Naming the file.
    """
    from audit.extract import extract

    p = Path(path)
    if p.suffix.lower() == ".json":
        return load_disclosures(p)
    return [extract(p)]


def audit_disclosure(d: Disclosure, *, overrides: dict[str, Assumption] | None = None,
                     samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
                     on: date | None = None) -> AuditResult:
    """Reconstruct and flag one disclosure."""
    fps = reconstruct(d, overrides=overrides, samples=samples, seed=seed)
    return AuditResult(d, tuple(fps), tuple(governance.flags(fps, on)))


def audit_report(source: str | os.PathLike[str] | Disclosure, *,
                 overrides: dict[str, Assumption] | None = None,
                 samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
                 on: date | None = None) -> list[AuditResult]:
    """Audit one report: extract (or read) it, reconstruct every model, flag thresholds.

    Parameters
    ----------
    source : path or Disclosure
        A ``.pdf`` report, a ``.md`` card, a disclosure record ``.json``, or a record.
    overrides : dict, optional
        User assumptions (:func:`audit.assumptions.override`), by name.
    samples, seed : int
        Monte Carlo size and seed.
    on : datetime.date, optional
        Date for the threshold rules in force (default today).

    Returns
    -------
    list of AuditResult
        One per disclosure (a JSON file may hold several).

    Raises
    ------
    AuditError
        Any typed error of extraction, records or reconstruction, naming the file.
    """
    ds = [source] if isinstance(source, Disclosure) else load_input(source)
    return [audit_disclosure(d, overrides=overrides, samples=samples, seed=seed, on=on)
            for d in ds]


def collect_inputs(paths: list[str | os.PathLike[str]]) -> list[Path]:
    """Expand folders into their report files (sorted); keep files as given.

    Raises
    ------
    MissingInputError
        If a path does not exist.
    """
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file()
                          and f.suffix.lower() in INPUT_SUFFIXES and not f.name.startswith(".")
                          and f.name != "answers.json")
        elif p.exists():
            out.append(p)
        else:
            raise MissingInputError(f"{p}: no such file or folder")
    return out


def audit_many(paths: list[str | os.PathLike[str]], **kwargs) -> RunResult:
    """Audit many files; a file that fails is recorded and the batch goes on."""
    results, errors = [], []
    for p in collect_inputs(paths):
        try:
            results += audit_report(p, **kwargs)
        except AuditError as exc:
            errors.append((str(p), type(exc).__name__, str(exc)))
    return RunResult(tuple(results), tuple(errors))


def write_outputs(result: RunResult, output_dir: str | os.PathLike[str], *,
                  force: bool = False) -> list[Path]:
    """Write comparison.{md,csv}, flags.csv and errors.csv (if any) into ``output_dir``.

    Raises
    ------
    AuditError
        If ``output_dir`` already holds a comparison and ``force`` is false.
    """
    from audit.tables import comparison_frame, display_frame, flags_frame, render

    out = Path(output_dir)
    if (out / "comparison.csv").exists() and not force:
        raise AuditError(f"{out}: holds a previous run; pass --force to overwrite it or "
                         "-o NEW_FOLDER")
    fps, fls = result.footprints, result.flags
    written = [
        write_atomic(out / "comparison.md", render(display_frame(fps, fls), "md")),
        write_atomic(out / "comparison.csv", render(comparison_frame(fps, fls), "csv")),
        write_atomic(out / "flags.csv", flags_frame(fls).to_csv(index=False,
                                                                lineterminator="\n")),
    ]
    if result.errors:
        errs = pd.DataFrame(list(result.errors), columns=["file", "error_type", "message"])
        written.append(write_atomic(out / "errors.csv", errs.to_csv(index=False,
                                                                     lineterminator="\n")))
    return written


def run(registry: str | os.PathLike[str] | None = None, output_dir: str = "output", *,
        force: bool = False, overrides: dict[str, Assumption] | None = None,
        samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
        on: date | None = None) -> RunResult:
    """Audit the registry (default: the embedded ``reports/``) and write output files.

    Raises
    ------
    MissingInputError
        If the registry folder is missing or empty.
    AuditError
        If ``output_dir`` holds a previous run and ``force`` is false.
    """
    folder = Path(registry) if registry else default_registry()
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not files:
        raise MissingInputError(f"{folder}: no disclosure records (*.json)")
    res = audit_many(files, overrides=overrides, samples=samples, seed=seed, on=on)
    written = write_outputs(res, output_dir, force=force)
    return RunResult(res.results, res.errors, tuple(written))
