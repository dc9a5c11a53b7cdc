"""Command-line interface: parse arguments, call one library function, print.

No domain logic lives here.  An :class:`~audit.errors.AuditError` becomes a one-line message
on stderr and exit code 1; usage errors exit 2 (argparse).  Heavy libraries are imported
inside the commands that need them, so ``footprint-audit --help`` starts fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from audit.errors import AuditError, UnknownAssumptionError

PROG = "footprint-audit"

EXAMPLES = {
    "run": ("footprint-audit run                      # audit reports/ into output/\n"
            "  footprint-audit run -o - --format csv     # the comparison to stdout, no files"),
    "audit": ("footprint-audit audit ../shared/corpus/pdf/llama1-paper.pdf\n"
              "  footprint-audit audit ../shared/corpus/pdf ../shared/corpus/cards "
              "--format csv -o all.csv"),
    "extract": "footprint-audit extract card.md report.pdf -o records.json",
    "estimate": ('footprint-audit estimate --training-compute "4.5e5 PFLOP/s*day" '
                 '--peak-throughput "0.99 PFLOP/s" --mfu 0.35 --accelerator-power "0.7 kW" '
                 '--pue 1.12 --carbon-intensity "369 gCO2e/kWh" '
                 '--gpu-hour-price "2.5 USD/hour" --format json'),
    "thresholds": "footprint-audit thresholds --as-of 2025-01-01",
    "eval": "footprint-audit eval ../shared/corpus/answers.json --format json",
    "assumptions": ("footprint-audit assumptions list\n"
                    "  footprint-audit assumptions show pue-google-2023"),
}
# The limits' defaults, as audit.pipeline.DEFAULT_MAX_PAGES / DEFAULT_TIME_BUDGET (a test
# checks they agree; not imported from there so that --help starts without pandas and pint).
DEFAULT_MAX_PAGES = 400
DEFAULT_TIME_BUDGET = 300.0
MAIN_EPILOG = """examples:
  footprint-audit run                                   audit reports/ into output/
  footprint-audit audit report.pdf card.md              audit sheets to stdout
  footprint-audit audit DIR --format csv -o all.csv     a folder, in parallel
  footprint-audit assumptions list                      the sourced assumptions

exit codes: 0 ok, 1 an audit error (one line naming the file, page or field), 2 usage.
`footprint-audit COMMAND --help` shows each command's options and an example."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _assume_item(text: str) -> str:
    """An ``--assume`` value of the shape NAME=VALUE (what NAME and VALUE may be is checked
    later, by :func:`audit.assumptions.override`)."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: write NAME=VALUE, e.g. pue=1.2")
    return text


def _overrides(items: list[str] | None) -> dict:
    from audit.assumptions import override

    out = {}
    for item in items or []:
        name, value = item.split("=", 1)
        out[name.strip()] = override(name.strip(), value)
    return out


def _emit(text: str, output: str | None, quiet: bool = False) -> None:
    from audit.records import write_atomic

    if output in (None, "-"):
        sys.stdout.write(text)
    else:
        if Path(output).is_dir():
            raise AuditError(f"-o {output}: is a folder; give a file name, or - for stdout")
        write_atomic(output, text)
        if not quiet:
            print(f"wrote {output}", file=sys.stderr)


def _add_assume(p: argparse.ArgumentParser) -> None:
    p.add_argument("--assume", action="append", metavar="NAME=VALUE", type=_assume_item,
                   help="override an assumption, e.g. pue=1.2 or "
                        "'carbon_intensity=57 gCO2e/kWh' (repeatable; recorded in provenance)")
    p.add_argument("--samples", type=_at_least_one, default=10_000,
                   help="Monte Carlo samples (1 or more)")
    p.add_argument("--seed", type=_non_negative_int, default=20_240_601,
                   help="random seed (0 or more)")
    p.add_argument("--as-of", type=_date, default=None,
                   help="date for the threshold rules in force (default today)")


class Progress:
    """A one-line progress bar on a terminal: ``[#####.....] 7/18 file``."""

    def __init__(self, stream=None, width: int = 28) -> None:  # noqa: ANN001
        self.stream = stream or sys.stderr
        self.width = width
        self.shown = 0

    def __call__(self, done: int, total: int, file: str) -> None:
        filled = self.width * done // max(total, 1)
        name = Path(file).name
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} {name[:40]}"
        pad = " " * max(0, self.shown - len(line))
        self.stream.write("\r" + line + pad)
        self.shown = len(line)
        if done >= total:
            self.stream.write("\r" + " " * self.shown + "\r")
        self.stream.flush()


def _progress(a: argparse.Namespace):  # noqa: ANN202
    """The progress callback: a bar on a terminal, file names with --verbose, else none."""
    if a.quiet:
        return None
    if a.verbose:
        return lambda done, total, f: done and print(f"[{done}/{total}] {f}", file=sys.stderr)
    if sys.stderr.isatty() and os.environ.get("CI", "").lower() not in ("true", "1"):
        return Progress()
    return None


def _report_errors(errors, quiet: bool, summary: str) -> None:  # noqa: ANN001
    for _file, kind, msg in errors:
        print(f"{PROG}: {kind}: {msg}", file=sys.stderr)
    if not quiet:
        print(summary, file=sys.stderr)


def _limits(a: argparse.Namespace) -> dict:
    return {"max_pages": a.max_pages or None, "time_budget": a.time_budget or None}


def cmd_run(a: argparse.Namespace) -> int:
    from audit.pipeline import run

    to_stdout = a.output == "-"
    res = run(a.registry, a.output, force=a.force, overrides=_overrides(a.assume),
              samples=a.samples, seed=a.seed, on=a.as_of, jobs=a.jobs,
              progress=_progress(a), write=not to_stdout)
    if to_stdout:
        _emit(_comparison_text(res, a.format), "-")
    elif not a.quiet:
        print(f"wrote {len(res.written)} files into {a.output}/: comparison.{{md,csv,html,tex,"
              "json}, flags.csv, reports/ (one audit sheet per report), ... (manifest.txt "
              "lists them)", file=sys.stderr)
    _report_errors(res.errors, a.quiet, res.summary())
    return 1 if res.errors else 0


def _comparison_text(res, fmt: str) -> str:  # noqa: ANN001
    from audit.tables import comparison_frame, display_frame, render

    if fmt in ("csv", "json"):
        return render(comparison_frame(res.footprints, res.flags), fmt)
    return render(display_frame(res.footprints, res.flags), fmt,
                  title="footprint-audit: comparison")


def cmd_audit(a: argparse.Namespace) -> int:
    from audit.pipeline import audit_many

    res = audit_many(a.inputs, jobs=a.jobs, progress=_progress(a),
                     overrides=_overrides(a.assume), samples=a.samples, seed=a.seed,
                     on=a.as_of, **_limits(a))
    if a.format in ("md", "html"):
        from audit import report

        sheets = [report.build_sheet(r) for r in res.results]
        if a.format == "md":
            text = "\n".join(report.to_markdown(sh) for sh in sheets)
            if len(res.results) > 1:
                text += "\n# Comparison\n\n" + _comparison_text(res, "md")
        else:
            parts = [_comparison_text(res, "html")] if len(res.results) > 1 else []
            parts += [report.to_html(sh) for sh in sheets]
            text = _join_pages(parts)
    else:
        text = _comparison_text(res, a.format)
    _emit(text, a.output, a.quiet)
    _report_errors(res.errors, a.quiet, res.summary())
    return 1 if res.errors else 0


def _join_pages(pages: list[str]) -> str:
    """One HTML page holding the bodies of several pages."""
    if not pages:
        from audit.tables import html_page

        return html_page("footprint-audit", "<p>Nothing was audited.</p>\n")
    bodies = [p.split("<body>\n", 1)[1].rsplit("</body>", 1)[0] for p in pages]
    head = pages[0].split("<body>\n", 1)[0]
    return head + "<body>\n" + "<hr>\n".join(bodies) + "</body>\n</html>\n"


def cmd_extract(a: argparse.Namespace) -> int:
    from audit.pipeline import load_input, time_limit
    from audit.records import dump_json

    records, failed = [], 0
    for p in a.inputs:
        try:
            with time_limit(a.time_budget or None, str(p)):
                records += [d.to_dict() for d in load_input(
                    p, max_pages=a.max_pages or None, engine=a.pdf_engine)]
        except AuditError as exc:
            failed += 1
            where = "" if str(p) in str(exc) else f"{p}: "  # every error names its file
            print(f"{PROG}: {type(exc).__name__}: {where}{exc}", file=sys.stderr)
    if records:  # nothing extracted: write no empty records file
        _emit(dump_json(records[0] if len(records) == 1 and len(a.inputs) == 1 else records),
              a.output, a.quiet)
    return 1 if failed else 0


def cmd_estimate(a: argparse.Namespace) -> int:
    from audit.reconstruct import estimate
    from audit.units import quantity

    names = ("training_compute", "accelerator_hours", "peak_throughput", "mfu",
             "accelerator_power", "pue", "carbon_intensity", "gpu_hour_price")
    inputs = {}
    for n in names:
        v = getattr(a, n)
        if v is not None:
            inputs[n] = _parse_q(v, n, quantity)
    speedup = _parse_q(a.speedup, "speedup", quantity) if a.speedup else None
    out = estimate(inputs, speedup=speedup)
    units = {"accelerator_hours": "hour", "it_energy": "kWh", "facility_energy": "kWh",
             "emissions": "tCO2e", "cost": "USD", "training_compute": "FLOP"}
    res = {k: {"value": float(q.to(units[k]).magnitude), "unit": units[k]}
           for k, q in out.items()}
    if a.format == "json":
        print(json.dumps(res, indent=1))
    else:
        from audit.tables import sig

        for k, v in res.items():
            print(f"{k:18s} {sig(v['value'], 8):>20s} {v['unit']}")
    return 0


def _parse_q(text: str, name: str, quantity):  # noqa: ANN001, ANN202
    from audit.extract.figures import parse_number
    from audit.units import UnitError

    num = parse_number(text)
    if num is None:
        raise UnitError(f"--{name.replace('_', '-')} {text!r}: no number")
    unit = text[text.find(num.text) + len(num.text):].strip() if num.text in text else ""
    unit = unit.lstrip("*").strip() or "dimensionless"
    sign = -1.0 if text.strip().startswith(("-", "\u2212")) else 1.0
    return quantity(sign * num.value, unit, field=name)


def cmd_thresholds(a: argparse.Namespace) -> int:
    from audit.governance import rules, rules_in_force

    rs = rules() if a.all else rules_in_force(a.as_of)
    on = a.as_of or date.today()
    print(f"threshold rules {'(all)' if a.all else 'in force on ' + on.isoformat()}:")
    for r in rs:
        op = ">" if r.comparison == "gt" else ">="
        to = r.effective_to.isoformat() if r.effective_to else "-"
        print(f"  {r.id:24s} {op} {r.threshold:.0e} FLOP  counts: {r.counts:18s} "
              f"{r.effective_from} .. {to}  {r.instrument[:60]}")
    return 0


def cmd_eval(a: argparse.Namespace) -> int:
    from audit.evaluate import evaluate, format_table
    from audit.extract import extract

    res = evaluate(a.answers, a.corpus,
                   extractor=lambda path: extract(path, engine=a.pdf_engine))
    text = (json.dumps(res.to_dict(), indent=1) + "\n" if a.format == "json"
            else format_table(res))
    _emit(text, a.output, a.quiet)
    return 0


def cmd_assumptions(a: argparse.Namespace) -> int:
    from audit import assumptions as reg

    if a.action == "list":
        for x in sorted(reg.registry().values(), key=lambda x: (x.quantity, x.id)):
            print(f"{x.id:34s} {x.quantity:20s} {x.value:>10g} {x.unit:14s} "
                  f"[{x.low:g}, {x.high:g}] {x.applies_to} {x.year or ''}")
        for acc in reg.accelerators().values():
            print(f"{acc.id:34s} {'accelerator':20s} tdp {acc.tdp_w:g} W, bf16 "
                  f"{acc.peaks.get('bf16', float('nan')):.3g} FLOP/s")
        return 0
    if a.id in reg.registry():
        x = reg.get(a.id)
        print(json.dumps({**x.to_dict(), "notes": x.notes, "locator": x.locator}, indent=1))
        return 0
    try:
        acc = reg.accelerator(a.id)
    except UnknownAssumptionError:
        import difflib

        known = list(reg.registry()) + list(reg.accelerators())
        close = difflib.get_close_matches(a.id, known, n=4, cutoff=0.5)
        raise UnknownAssumptionError(
            f"unknown assumption or accelerator {a.id!r}; closest: "
            f"{', '.join(close) or 'none'} (see `footprint-audit assumptions list`)") from None
    print(json.dumps({**acc.__dict__, "source": reg.sources().get(acc.source_id, {})},
                     indent=1, default=str))
    return 0


def _common() -> argparse.ArgumentParser:
    """--quiet and --verbose, accepted after the command too."""
    c = argparse.ArgumentParser(add_help=False)
    c.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                   help="print only errors")
    c.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                   help="print each file as it is done")
    return c


#: word sources of a PDF, as ``audit.extract.pdf.ENGINES`` (not imported here: --help stays light)
PDF_ENGINES = ("pdfium", "pdfplumber")


def _add_engine(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pdf-engine", choices=PDF_ENGINES, default=PDF_ENGINES[0],
                   help="where a PDF's words come from: pdfium (fast, the default) or "
                        "pdfplumber (the slower reference; same layout code after)")


def _add_limits(p: argparse.ArgumentParser) -> None:
    p.add_argument("--max-pages", type=_non_negative_int, default=DEFAULT_MAX_PAGES,
                   metavar="N", help="refuse a PDF with more pages (default "
                   f"{DEFAULT_MAX_PAGES}; 0 = no limit)")
    p.add_argument("--time-budget", type=_seconds, default=DEFAULT_TIME_BUDGET,
                   metavar="SECONDS",
                   help=f"give up on a document after this long (default "
                   f"{DEFAULT_TIME_BUDGET:g} s; 0 = no limit)")


def _whole(text: str, lowest: int) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < lowest:
        raise argparse.ArgumentTypeError(f"{text!r} must be {lowest} or more")
    return n


def _at_least_one(text: str) -> int:
    return _whole(text, 1)


def _seconds(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= x < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be 0 (no limit) or a positive "
                                         "number of seconds")
    return x


def _non_negative_int(text: str) -> int:
    return _whole(text, 0)


def _add_jobs(p: argparse.ArgumentParser) -> None:
    p.add_argument("-j", "--jobs", type=_non_negative_int, default=None, metavar="N",
                   help="worker processes (default: one per core; 1 = no workers)")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description="Audit what AI model developers "
                                "disclose about the compute, energy, carbon and cost of "
                                "training.", epilog=MAIN_EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    p.add_argument("-v", "--verbose", action="store_true", help="print each file as it is done")
    p.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = _common()

    def add(name: str, help_: str, fn) -> argparse.ArgumentParser:  # noqa: ANN001
        sp = sub.add_parser(name, help=help_, description=help_, parents=[common],
                            epilog=f"example:\n  {EXAMPLES[name]}",
                            formatter_class=argparse.RawDescriptionHelpFormatter)
        sp.set_defaults(fn=fn)
        return sp

    r = add("run", "audit the embedded registry reports/ and write output/", cmd_run)
    r.add_argument("--registry", help="folder of disclosure records (default: reports/)")
    r.add_argument("-o", "--output", default="output",
                   help="output folder (default output); '-' prints the comparison instead")
    r.add_argument("--format", choices=("md", "csv", "json", "html", "tex"), default="md",
                   help="format of the comparison with -o - (default md)")
    r.add_argument("--force", action="store_true", help="overwrite a previous run's output")
    _add_jobs(r)
    _add_assume(r)

    au = add("audit", "audit report PDFs, model cards or records (files or folders)",
             cmd_audit)
    au.add_argument("inputs", nargs="+", help="files or folders (a folder is searched for "
                                              ".pdf, .md and .json; name a .txt card itself)")
    au.add_argument("--format", choices=("md", "csv", "json", "html", "tex"), default="md",
                    help="md / html: audit sheets (and the comparison); csv, json, tex: the "
                    "comparison table (default md)")
    au.add_argument("-o", "--output", default=None, help="output file (default stdout, or -)")
    _add_jobs(au)
    _add_limits(au)
    _add_assume(au)

    ex = add("extract", "extract disclosure records (JSON) from PDFs and cards", cmd_extract)
    ex.add_argument("inputs", nargs="+", help="report PDFs and model cards")
    ex.add_argument("-o", "--output", default=None,
                    help="records file (default stdout, or -): one JSON record for one input "
                         "file, a list of records otherwise; `audit` reads either")
    _add_limits(ex)
    _add_engine(ex)

    es = add("estimate", "compute the meters from explicit inputs", cmd_estimate)
    for flag, helptext in (
            ("--training-compute", 'e.g. "3.8e25 FLOP", "4.5e5 PFLOP/s*day", "450000 PF-days"'),
            ("--accelerator-hours", 'GPU-hours, e.g. "30.84e6 hour" (instead of compute)'),
            ("--peak-throughput", 'dense peak per chip, e.g. "989 TFLOP/s"'),
            ("--mfu", "model FLOPs utilisation, 0..1"),
            ("--accelerator-power", 'mean power per chip, e.g. "700 W"'),
            ("--pue", "power usage effectiveness, >= 1"),
            ("--carbon-intensity", 'e.g. "369 gCO2e/kWh"'),
            ("--gpu-hour-price", 'e.g. "2.5 USD/hour"'),
            ("--speedup", "throughput factor on the peak, e.g. 1.6 for FP8")):
        es.add_argument(flag, help=helptext)
    es.add_argument("--format", choices=("json", "table"), default="table")

    th = add("thresholds", "list the compute-threshold rules in force", cmd_thresholds)
    th.add_argument("--as-of", type=_date, default=None, help="date (default today)")
    th.add_argument("--all", action="store_true", help="list every rule, in force or not")

    ev = add("eval", "score extraction against an answer key", cmd_eval)
    ev.add_argument("answers", help="answers.json")
    ev.add_argument("--corpus", default=None, help="corpus folder (default: answers' folder)")
    ev.add_argument("--format", choices=("table", "json"), default="table")
    ev.add_argument("-o", "--output", default=None)
    _add_engine(ev)

    asn = add("assumptions", "list or show registry assumptions", cmd_assumptions)
    acts = asn.add_subparsers(dest="action", required=True, metavar="ACTION")
    acts.add_parser("list", help="every assumption and accelerator, one a line",
                    parents=[common])
    show = acts.add_parser("show", help="one assumption or accelerator with its source",
                           parents=[common])
    show.add_argument("id", help="assumption id or accelerator (id or alias)")
    return p


def _version() -> str:
    from audit import __version__

    return __version__


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``footprint-audit``; returns the exit code (0, 1 or 2)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.verbose:  # pdfminer logs every repair of a damaged file; say it with -v only
        import logging

        logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        return args.fn(args)
    except AuditError as exc:
        print(f"{PROG}: {type(exc).__name__}: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; files already written are complete, none is half-written",
              file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`| head`): stop quietly, and keep Python from complaining
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def console() -> None:
    """The ``footprint-audit`` console script: :func:`main`, then exit.  After Ctrl-C it ends
    the process at once (``os._exit``), without waiting on worker-pool threads that the
    interrupt left behind; every output file is written atomically, so none is half-written.
    """
    code = main()
    if code == 130:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    console()


__all__ = ["build_parser", "console", "main", "Path"]
