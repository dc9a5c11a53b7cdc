"""The orchestrator: audit one report, audit a batch, audit the registry, write output/.

``audit_report`` takes a PDF, a Markdown card, a disclosure record (JSON) or a
:class:`Disclosure` and returns :class:`AuditResult` objects (disclosure, footprints, flags,
warnings, and, where :mod:`audit.sensitivity` and :mod:`audit.completeness` are installed,
the sensitivity ranking and the disclosure checklist).  ``audit_many`` audits many files in
parallel across cores, in input order, and goes on past a file that fails.  ``run`` audits
the registry folder ``reports/`` (the embedded default) and writes every output file
(:func:`write_outputs`).

Faults (issue 7)
----------------
- Every file is audited under a page limit and a time budget (``max_pages``,
  ``time_budget``); over either is an :class:`~audit.errors.ExtractionError` naming the file.
- The PDF libraries' own exception types (pdfminer's ``PSException`` family, pdfplumber's
  ``PdfminerException`` and ``MalformedPDFException``) are turned into ``ExtractionError`` at
  this boundary; any other exception is a bug and is listed as ``internal error`` in a batch.
- Outputs are written through :func:`audit.records.write_atomic` (temporary file, rename);
  a folder that holds files is only written into with ``force``; with ``force`` the files a
  previous run listed in ``manifest.txt`` and this run did not write are removed.  File names
  made from report ids are slugs that stay inside the output folder.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from audit import governance
from audit.assumptions import Assumption
from audit.errors import AuditError, ExtractionError, MissingInputError, OutputExistsError
from audit.reconstruct import DEFAULT_SAMPLES, DEFAULT_SEED, reconstruct
from audit.records import (
    Disclosure,
    Flag,
    Footprint,
    Warning_,
    load_disclosures,
    path_inside,
    safe_filename,
    write_atomic,
)

INPUT_SUFFIXES = {".pdf", ".md", ".markdown", ".txt", ".json"}
#: what a folder is searched for: a .txt card (or notes) is audited only when named
FOLDER_SUFFIXES = INPUT_SUFFIXES - {".txt"}
#: Default page limit of one PDF [pages]; over it is an ExtractionError.
DEFAULT_MAX_PAGES = 400
#: Default time budget of one document [s]; over it is an ExtractionError.
DEFAULT_TIME_BUDGET = 300.0
MANIFEST = "manifest.txt"
ERROR_COLUMNS = ["file", "error_type", "message"]
WARNING_COLUMNS = ["report_id", "model", "code", "field", "message"]


@dataclass(frozen=True)
class AuditResult:
    """One report audited.

    Attributes
    ----------
    disclosure : Disclosure
        What the report disclosed (figures with pages and text matched).
    footprints : tuple of Footprint
        The reconstructed meters, one per model row.
    flags : tuple of Flag
        Threshold verdicts per model and regime.
    warnings : tuple of Warning_
        Soft problems found by the pipeline (e.g. conflicting figures); the disclosure's
        and footprints' own warnings stay on them.
    sensitivity : dict of str to list
        Rows of :func:`audit.sensitivity.analyse` by model name (empty where that module is
        not installed).
    completeness : dict of str to object
        :func:`audit.completeness.assess` by model name (empty where not installed).
    """

    disclosure: Disclosure
    footprints: tuple[Footprint, ...]
    flags: tuple[Flag, ...]
    warnings: tuple[Warning_, ...] = ()
    sensitivity: dict[str, Any] = field(default_factory=dict, compare=False)
    completeness: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def report_id(self) -> str:
        return self.disclosure.report_id

    def all_warnings(self) -> list[Warning_]:
        """Document, pipeline and reconstruction warnings, in that order, without repeats."""
        every = (list(self.disclosure.warnings) + list(self.warnings)
                 + [w for fp in self.footprints for w in fp.warnings])
        return list(dict.fromkeys(every))

    def to_frame(self) -> pd.DataFrame:
        """The comparison table of this report (one row per model, numeric columns)."""
        from audit.tables import comparison_frame

        return comparison_frame(list(self.footprints), list(self.flags))


@dataclass(frozen=True)
class RunResult:
    """A batch: the results in input order, the files that failed, and the files written."""

    results: tuple[AuditResult, ...]
    errors: tuple[tuple[str, str, str], ...] = ()  # (file, error type, message)
    written: tuple[Path, ...] = field(default_factory=tuple)
    files: int = 0

    @property
    def footprints(self) -> list[Footprint]:
        return [fp for r in self.results for fp in r.footprints]

    @property
    def flags(self) -> list[Flag]:
        return [f for r in self.results for f in r.flags]

    def summary(self) -> str:
        """One line: files, reports, models and failures."""
        def n(k: int, word: str) -> str:
            return f"{k} {word}{'' if k == 1 else 's'}"

        n_models = sum(fp.kind == "model" for fp in self.footprints)
        return (f"{n(self.files, 'file')}: {n(len(self.results), 'report')} audited "
                f"({n(n_models, 'model')}), {len(self.errors)} failed")

    def to_frame(self) -> pd.DataFrame:
        """The comparison table of the batch (one row per model, numeric columns)."""
        from audit.tables import comparison_frame

        return comparison_frame(self.footprints, self.flags)

    def errors_frame(self) -> pd.DataFrame:
        """errors.csv: file, error type, message."""
        return pd.DataFrame(list(self.errors), columns=ERROR_COLUMNS)


def default_registry() -> Path:
    """The embedded registry folder ``reports/`` (source checkout or installed share)."""
    here = Path(__file__).resolve().parent
    for cand in (here.parent / "reports", here / "reports"):
        if cand.is_dir():
            return cand
    raise MissingInputError("the embedded registry reports/ is not installed; run from a "
                            "source checkout (pip install -e .) or pass --registry DIR")


# --- limits and the PDF libraries' exceptions ---------------------------------------------

class _OverBudget(BaseException):
    """Raised by the timer inside a document's audit (BaseException: never swallowed)."""


@contextmanager
def time_limit(seconds: float | None, where: str) -> Iterator[None]:
    """Raise :class:`ExtractionError` if the body runs longer than ``seconds``.

    Parameters
    ----------
    seconds : float or None
        The budget [s]; None or <= 0 means none.
    where : str
        The file, named in the message.

    Notes
    -----
    Uses ``SIGALRM`` (POSIX, main thread only: the CLI, and every worker of the batch's
    process pool).  Elsewhere the budget is not enforced.
    """
    usable = (seconds and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def _alarm(signum, frame):  # noqa: ANN001, ARG001
        raise _OverBudget

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))
    try:
        yield
    except _OverBudget:
        raise ExtractionError(f"{where}: not finished within the time budget of {seconds:g} s; "
                              "raise it with --time-budget or read fewer pages with "
                              "--max-pages") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def pdf_library_errors() -> tuple[type[BaseException], ...]:
    """The exception types of pdfminer and pdfplumber, turned into ExtractionError here."""
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    return (PSException, PdfminerException, MalformedPDFException)


def load_input(path: str | os.PathLike[str], *, max_pages: int | None = DEFAULT_MAX_PAGES,
               engine: str = "pdfium") -> list[Disclosure]:
    """Disclosures from a PDF, a card, or a JSON record (one or a list).

    Parameters
    ----------
    path : str or os.PathLike
        A ``.pdf``, ``.md`` or ``.json`` file.
    max_pages : int or None
        Page limit of a PDF [pages]; None for none.
    engine : {"pdfium", "pdfplumber"}
        Word source for a PDF (:func:`audit.extract.pdf.read_pdf`).

    Raises
    ------
    MissingInputError, ExtractionError, SchemaError
        Naming the file (and the field, for a record).
    """
    p = Path(path)
    if p.suffix.lower() == ".json":
        return load_disclosures(p)
    from audit.extract import extract

    if p.suffix.lower() != ".pdf":
        return [extract(p)]
    try:
        if max_pages and p.is_file() and p.stat().st_size > 0 and _is_pdf(p):
            from audit.extract.pdf import page_count

            n = page_count(p)
            if n > max_pages:
                raise ExtractionError(f"{p}: {n} pages, over the limit of {max_pages}; raise "
                                      "it with --max-pages")
        return [extract(p, max_pages=max_pages, engine=engine)]
    except pdf_library_errors() as exc:
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
        if "password" in repr(cause).lower() or "encrypt" in repr(cause).lower():
            raise ExtractionError(f"{p}: encrypted PDF that needs a password "
                                  f"({type(cause).__name__}); decrypt it first, e.g. qpdf "
                                  "--decrypt --password=PASSWORD in.pdf out.pdf") from None
        raise ExtractionError(f"{p}: unreadable PDF ({type(cause).__name__}: "
                              f"{_short(cause)}); give a complete, uncorrupted PDF") from None


def _is_pdf(p: Path) -> bool:
    with open(p, "rb") as fh:
        return b"%PDF" in fh.read(1024)


def _short(exc: BaseException, n: int = 80) -> str:
    text = " ".join(str(exc).split()) or "no detail"
    return text if len(text) <= n else text[:n - 3] + "..."


# --- one report ---------------------------------------------------------------------------

def conflicting_figures(d: Disclosure) -> list[Warning_]:
    """Warn where one model row discloses different values of one field.

    Two figures conflict when they share field, carbon basis and scope but differ by more
    than 1 % (after unit conversion).  Both stay in the record; the reconstruction uses one
    of them (:func:`audit.reconstruct._pick`) and this warning says so.  Nothing is averaged.
    """
    out = []
    for m in d.models:
        groups: dict[tuple, list] = {}
        for f in m.own_figures:
            if f.value is None:
                continue
            groups.setdefault((f.field, f.basis, f.scope), []).append(f)
        for (name, basis, scope), figs in groups.items():
            if len(figs) < 2:
                continue
            try:
                vals = [float(f.quantity.to(figs[0].unit).magnitude) for f in figs]
            except AuditError:
                continue
            lo, hi = min(vals), max(vals)
            if hi - lo <= 0.01 * max(abs(hi), abs(lo)):
                continue
            shown = "; ".join(f"{v:g} {figs[0].unit} ({f.where or f.locator or 'record'})"
                              for v, f in zip(vals, figs, strict=True))
            what = ", ".join(x for x in (basis and f"{basis}-based", scope) if x)
            out.append(Warning_("CONFLICTING_FIGURES",
                                f"{len(figs)} different {name}{f' ({what})' if what else ''} "
                                f"figures: {shown}; all kept, none averaged",
                                model=m.name, field=name))
    return out


def _analyses(d: Disclosure, fps: list[Footprint], seed: int
              ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Sensitivity rows and disclosure checklist per model.

    Uses :func:`audit.sensitivity.analyse` (Sobol and one-at-a-time swings, seeded with the
    run's seed) and :func:`audit.completeness.assess` (given the same rows, so the ranking
    is computed once).
    """
    sens: dict[str, Any] = {}
    comp: dict[str, Any] = {}
    by_name = {m.name: m for m in d.models}
    models = [fp for fp in fps if fp.kind == "model" and fp.model in by_name]
    from audit import completeness, sensitivity

    for fp in models:
        sens[fp.model] = sensitivity.analyse(d, fp, seed=seed)
        comp[fp.model] = completeness.assess(by_name[fp.model], fp, rows=sens[fp.model],
                                             seed=seed)
    return sens, comp


def audit_disclosure(d: Disclosure, *, overrides: dict[str, Assumption] | None = None,
                     samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
                     on: date | None = None, analyse: bool = True) -> AuditResult:
    """Reconstruct, flag and (where installed) rank the assumptions of one disclosure.

    Parameters
    ----------
    d : Disclosure
        The record.
    overrides : dict, optional
        User assumptions by name (:func:`audit.assumptions.override`).
    samples, seed : int
        Monte Carlo size and seed.
    on : datetime.date, optional
        Date of the threshold rules in force (default today).
    analyse : bool
        Run the sensitivity and completeness analyses.

    Raises
    ------
    AuditError
        From reconstruction (unknown accelerator, bad value).
    """
    fps = reconstruct(d, overrides=overrides, samples=samples, seed=seed)
    flags = governance.flags(fps, on)
    sens, comp = _analyses(d, fps, seed) if analyse else ({}, {})
    return AuditResult(d, tuple(fps), tuple(flags), tuple(conflicting_figures(d)), sens, comp)


def audit_report(source: str | os.PathLike[str] | Disclosure, *,
                 overrides: dict[str, Assumption] | None = None,
                 samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
                 on: date | None = None, max_pages: int | None = DEFAULT_MAX_PAGES,
                 time_budget: float | None = DEFAULT_TIME_BUDGET,
                 analyse: bool = True) -> list[AuditResult]:
    """Audit one report: extract (or read) it, reconstruct every model, flag thresholds.

    Parameters
    ----------
    source : path or Disclosure
        A ``.pdf`` report, a ``.md`` card, a disclosure record ``.json``, or a record.
    overrides : dict, optional
        User assumptions (:func:`audit.assumptions.override`), by name.
    samples, seed : int
        Monte Carlo size and seed; the same seed gives the same result.
    on : datetime.date, optional
        Date for the threshold rules in force (default today).
    max_pages : int or None
        Page limit of a PDF [pages] (default :data:`DEFAULT_MAX_PAGES`).
    time_budget : float or None
        Time budget of the whole document [s] (default :data:`DEFAULT_TIME_BUDGET`).
    analyse : bool
        Also rank assumptions and score disclosure.

    Returns
    -------
    list of AuditResult
        One per disclosure (a JSON file may hold several).

    Raises
    ------
    AuditError
        Any typed error of extraction, records or reconstruction, naming the file.

    Examples
    --------
    >>> (r,) = audit_report(default_registry() / "llama2-card.json", samples=200)
    >>> r.footprints[0].meters["accelerator_hours"].value
    184320.0
    """
    kw = {"overrides": overrides, "samples": samples, "seed": seed, "on": on,
          "analyse": analyse}
    if isinstance(source, Disclosure):
        return [audit_disclosure(source, **kw)]
    with time_limit(time_budget, str(source)):
        return [audit_disclosure(d, **kw) for d in load_input(source, max_pages=max_pages)]


# --- a batch ------------------------------------------------------------------------------

def collect_inputs(paths: list[str | os.PathLike[str]]) -> list[Path]:
    """Expand folders into their report files (sorted: .pdf, .md, .markdown, .json; a .txt
    file is audited only when named); keep files as given.

    Raises
    ------
    MissingInputError
        If a path does not exist, or the paths hold no report file at all.
    """
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file()
                          and f.suffix.lower() in FOLDER_SUFFIXES and not f.name.startswith(".")
                          and f.name != "answers.json")
        elif p.exists():
            out.append(p)
        else:
            raise MissingInputError(f"{p}: no such file or folder")
    if not out:
        names = ", ".join(str(x) for x in paths)
        raise MissingInputError(f"{names}: no report files (.pdf, .md, .json) to audit; name a "
                                ".txt card on its own")
    return out


def _audit_file(index: int, path: str, kwargs: dict[str, Any]
                ) -> tuple[int, list[AuditResult], tuple[str, str, str] | None]:
    """Audit one file of a batch; never raises an Exception (a worker's task)."""
    try:
        return index, audit_report(path, **kwargs), None
    except AuditError as exc:
        msg = " ".join(str(exc).split())
        if str(path) not in msg:  # e.g. an unknown accelerator named inside a record
            msg = f"{path}: {msg}"
        return index, [], (path, type(exc).__name__, msg)
    except Exception as exc:  # noqa: BLE001 - a bug: the batch lists it and goes on
        return index, [], (path, f"internal error ({type(exc).__name__})",
                           f"{path}: {_short(exc, 200)}; this is a bug in footprint-audit, "
                           "please report it with the file")


def default_jobs() -> int:
    """Worker processes for a batch: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def audit_many(paths: list[str | os.PathLike[str]], *, jobs: int | None = None,
               progress: Callable[[int, int, str], None] | None = None,
               **kwargs: Any) -> RunResult:
    """Audit many files in parallel; a file that fails is listed and the batch goes on.

    Parameters
    ----------
    paths : list of path
        Files and folders (folders are searched for ``.pdf``, ``.md``, ``.json``).
    jobs : int, optional
        Worker processes (default: the usable cores); 1 audits in this process.
    progress : callable, optional
        Called as ``progress(0, total, "")`` first, then ``progress(done, total, file)``
        after each file.
    **kwargs
        Passed to :func:`audit_report` (overrides, samples, seed, on, max_pages,
        time_budget, analyse).

    Returns
    -------
    RunResult
        Results in input order (whatever order the workers finish in), and errors as
        ``(file, error type, message)``.

    Raises
    ------
    MissingInputError
        If a path does not exist (before any file is audited).
    """
    files = [str(p) for p in collect_inputs(paths)]
    jobs = min(jobs or default_jobs(), len(files)) or 1
    done: dict[int, tuple[list[AuditResult], tuple[str, str, str] | None]] = {}
    if progress and files:
        progress(0, len(files), "")
    if jobs == 1:
        for i, f in enumerate(files):
            _, res, err = _audit_file(i, f, kwargs)
            done[i] = (res, err)
            if progress:
                progress(len(done), len(files), f)
    else:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init)
        try:
            futures = [pool.submit(_audit_file, i, f, kwargs) for i, f in enumerate(files)]
            for fut in as_completed(futures):
                i, res, err = fut.result()
                done[i] = (res, err)
                if progress:
                    progress(len(done), len(files), files[i])
        except BaseException:  # Ctrl-C or a dead worker: stop now, write nothing
            _stop(pool)
            raise
        pool.shutdown()
    results = tuple(r for i in range(len(files)) for r in done[i][0])
    errors = tuple(done[i][1] for i in range(len(files)) if done[i][1] is not None)
    return RunResult(results, errors, files=len(files))


def _worker_init() -> None:
    """Workers leave Ctrl-C to the parent, which stops them (:func:`_stop`): a terminal's
    SIGINT reaches the whole process group, and a worker that handled it too would print
    its own traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop(pool: Any) -> None:
    """Cancel what has not started and end the workers at once (not waiting for them)."""
    for proc in list((getattr(pool, "_processes", None) or {}).values()):  # no public API
        proc.terminate()                                                    # before 3.14
    pool.shutdown(wait=False, cancel_futures=True)


# --- output files -------------------------------------------------------------------------

def sheet_names(results: list[AuditResult]) -> list[str]:
    """A distinct, safe file stem per result (``report_id``, then ``-2``, ``-3``...)."""
    seen: dict[str, int] = {}
    out = []
    for r in results:
        stem = safe_filename(r.report_id)
        seen[stem] = seen.get(stem, 0) + 1
        out.append(stem if seen[stem] == 1 else f"{stem}-{seen[stem]}")
    return out


def check_output_dir(output_dir: str | os.PathLike[str], force: bool) -> Path:
    """The output folder, refusing one that holds files unless ``force``.

    Raises
    ------
    OutputExistsError
        If the folder exists and is not empty (or is a file), and ``force`` is false.
    """
    out = Path(output_dir)
    if out.exists() and not out.is_dir():
        raise OutputExistsError(f"{out}: is a file, not an output folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputExistsError(f"{out}: holds a previous run; pass --force to overwrite it "
                                "or -o NEW_FOLDER")
    return out


def _warnings_frame(results: list[AuditResult]) -> pd.DataFrame:
    rows = [{"report_id": r.report_id, "model": w.model or "", "code": w.code,
             "field": w.field or "", "message": w.message}
            for r in results for w in r.all_warnings()]
    return pd.DataFrame(rows, columns=WARNING_COLUMNS)


def _csv(df: pd.DataFrame) -> str:
    return df.to_csv(index=False, lineterminator="\n")


def write_outputs(result: RunResult, output_dir: str | os.PathLike[str], *,
                  force: bool = False, plots: bool = True,
                  jobs: int | None = None) -> list[Path]:
    """Write every output file of a run into ``output_dir``.

    Files: ``comparison.{md,csv,html,tex,json}``, ``flags.csv``, ``warnings.csv``,
    ``errors.csv`` (header only when nothing failed), ``reports/<report>.{md,html}`` (the
    audit sheets), ``manifest.txt`` (sha256 and path of each file), and, when the results
    hold the analyses, ``sensitivity.csv``, ``disclosure.csv`` and ``plots/*.png``.

    Parameters
    ----------
    result : RunResult
        The batch.
    output_dir : path
        The folder (created if needed).
    force : bool
        Write into a folder that holds files; stale files of the previous run are removed.
    plots : bool
        Draw the plots (:mod:`audit.plots`).
    jobs : int, optional
        Worker processes for the plots (default: the usable cores).

    Returns
    -------
    list of pathlib.Path
        The files written, in writing order.

    Raises
    ------
    OutputExistsError
        If ``output_dir`` holds files and ``force`` is false.
    """
    from audit import report
    from audit.tables import comparison_frame, display_frame, flags_frame, render

    out = check_output_dir(output_dir, force)
    results = list(result.results)
    fps, fls = result.footprints, result.flags
    files: dict[str, str | bytes] = {}
    disp = display_frame(fps, fls)
    num = comparison_frame(fps, fls)
    files["comparison.md"] = render(disp, "md")
    files["comparison.csv"] = render(num, "csv")
    files["comparison.html"] = render(disp, "html", title="footprint-audit: comparison")
    files["comparison.tex"] = render(disp, "tex")
    files["comparison.json"] = render(num, "json")
    files["flags.csv"] = _csv(flags_frame(fls))
    files["warnings.csv"] = _csv(_warnings_frame(results))
    files["errors.csv"] = _csv(result.errors_frame())
    files.update(_analysis_tables(results))
    stems = sheet_names(results)
    images = _plots(results, out, stems, jobs) if plots else {}
    for stem, r in zip(stems, results, strict=True):
        sheet = report.build_sheet(r, plots=images.get(r.report_id, {}))
        files[f"reports/{stem}.md"] = report.to_markdown(sheet, image_dir="..")
        files[f"reports/{stem}.html"] = report.to_html(sheet)
    written = []
    for rel, content in files.items():
        written.append(write_atomic(path_inside(out, rel), content))
    written += [Path(p) for img in images.values() for p in img.values()]
    _finish_manifest(out, written)
    return written + [out / MANIFEST]


def _analysis_tables(results: list[AuditResult]) -> dict[str, str]:
    """sensitivity.csv and disclosure.csv, when the results hold those analyses."""
    files = {}
    rows = [row for r in results for rs in r.sensitivity.values() for row in rs]
    if any(r.sensitivity for r in results):
        from audit.sensitivity import sensitivity_frame

        files["sensitivity.csv"] = _csv(sensitivity_frame(rows))
    assessed = [a for r in results for a in r.completeness.values()]
    if assessed:
        from audit.completeness import completeness_frame

        files["disclosure.csv"] = _csv(completeness_frame(assessed))
    return files


def _draw(task: tuple[str, Any, Path]) -> Path:
    """Draw one plot (a worker's task): ``(function name in audit.plots, data, path)``."""
    from audit import plots

    name, data, path = task
    return getattr(plots, name)(data, path)


def _plots(results: list[AuditResult], out: Path, stems: list[str],
           jobs: int | None = None) -> dict[str, dict[str, Path]]:
    """Draw plots/*.png with :mod:`audit.plots`, in parallel across cores.

    Returns ``{report_id: {"tornado": path}}``, and the run's overview plots (meters per
    model, thresholds) under the key ``""``.
    """
    fps = [fp for r in results for fp in r.footprints]
    flags = [f for r in results for f in r.flags]
    tasks: list[tuple[str, str, tuple[str, Any, Path]]] = []
    if fps:
        tasks.append(("", "meters", ("meters_chart", fps, path_inside(out,
                                                                      "plots/meters.png"))))
    if flags:
        tasks.append(("", "thresholds", ("thresholds_chart", flags,
                                         path_inside(out, "plots/thresholds.png"))))
    for stem, r in zip(stems, results, strict=True):
        rows = [row for rs in r.sensitivity.values() for row in rs]
        if rows:
            tasks.append((r.report_id, "tornado",
                          ("tornado", rows, path_inside(out, f"plots/tornado-{stem}.png"))))
    jobs = min(jobs or default_jobs(), len(tasks))
    if jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init)
        try:
            paths = list(pool.map(_draw, [t[2] for t in tasks]))
        except BaseException:
            _stop(pool)
            raise
        pool.shutdown()
    else:
        paths = [_draw(t[2]) for t in tasks]
    made: dict[str, dict[str, Path]] = {"": {}}
    for (key, name, _), path in zip(tasks, paths, strict=True):
        made.setdefault(key, {})[name] = Path(path)
    return made


def _finish_manifest(out: Path, written: list[Path]) -> None:
    """Write manifest.txt and remove files the previous manifest listed but not this run."""
    rels = sorted({p.relative_to(out).as_posix() for p in written})
    old = out / MANIFEST
    stale: list[str] = []
    if old.is_file():
        previous = [ln.split("  ", 1)[-1] for ln in old.read_text(encoding="utf-8").splitlines()
                    if "  " in ln]
        stale = [r for r in previous if r not in rels]
    lines = [f"{hashlib.sha256((out / r).read_bytes()).hexdigest()}  {r}" for r in rels]
    write_atomic(old, "\n".join(lines) + "\n")
    for rel in stale:
        target = (out / rel).resolve()
        if target.is_relative_to(out.resolve()) and target.is_file():
            target.unlink()


def run(registry: str | os.PathLike[str] | None = None, output_dir: str = "output", *,
        force: bool = False, overrides: dict[str, Assumption] | None = None,
        samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
        on: date | None = None, jobs: int | None = None,
        progress: Callable[[int, int, str], None] | None = None,
        write: bool = True, **kwargs: Any) -> RunResult:
    """Audit the registry (default: the embedded ``reports/``) and write the output files.

    Parameters
    ----------
    registry : path, optional
        Folder of disclosure records (``*.json``); default the embedded ``reports/``.
    output_dir : path
        Output folder (default ``output``).
    force : bool
        Overwrite a previous run in ``output_dir``.
    overrides, samples, seed, on, jobs, progress, **kwargs
        As :func:`audit_many`.
    write : bool
        False audits without writing (``written`` is empty).

    Returns
    -------
    RunResult

    Raises
    ------
    MissingInputError
        If the registry folder is missing or empty.
    OutputExistsError
        If ``output_dir`` holds a previous run and ``force`` is false (checked before any
        audit, so nothing is lost).
    """
    folder = Path(registry) if registry else default_registry()
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not files:
        raise MissingInputError(f"{folder}: no disclosure records (*.json)")
    if write:
        check_output_dir(output_dir, force)
    res = audit_many(files, jobs=jobs, progress=progress, overrides=overrides,
                     samples=samples, seed=seed, on=on, **kwargs)
    written = write_outputs(res, output_dir, force=force, jobs=jobs) if write else []
    return RunResult(res.results, res.errors, tuple(written), res.files)


__all__ = ["AuditResult", "RunResult", "audit_report", "audit_disclosure", "audit_many",
           "run", "write_outputs", "collect_inputs", "load_input", "default_registry",
           "safe_filename", "conflicting_figures", "time_limit", "DEFAULT_MAX_PAGES",
           "DEFAULT_TIME_BUDGET"]
