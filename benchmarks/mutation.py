"""Mutation run: corrupt the corpus PDFs at random offsets; nothing may crash or hang.

Each variant is one corpus PDF with one seeded mutation (bytes overwritten at random offsets,
a block overwritten, deleted or duplicated, or the file truncated).  It is audited in its own
process (:func:`audit.pipeline.audit_report`, the boundary every command uses) under a time
budget, and ends in one of:

``ok``        a result (the corruption missed what matters, or pdfminer repaired it);
``typed``     an :class:`audit.errors.AuditError` (the goal for a broken file);
``untyped``   any other exception: a bug; its type and the frames it came from are listed;
``hang``      the process outlived the budget plus a grace period and was killed.

Typed errors that the pipeline boundary converted from a pdfminer/pdfplumber exception are
counted apart, with the frame in ``audit/extract`` they passed through, so that the
extraction code can type them itself.

Usage::

    python benchmarks/mutation.py                       # 300 variants, seed 1
    python benchmarks/mutation.py --variants 50 --seed 3 --jobs 2 --timeout 60

Prints a summary (and writes ``--json FILE``); exits 1 if any variant was untyped or hung.
Variants that failed are kept in ``--workdir`` to reproduce them; the others are deleted.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "pdf"
KINDS = ("overwrite-bytes", "overwrite-block", "delete-block", "duplicate-block", "truncate")


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One seeded mutation of ``data``; returns the new bytes and a description."""
    kind = rng.choice(KINDS)
    n = len(data)
    b = bytearray(data)
    if kind == "overwrite-bytes":
        k = rng.randint(1, 64)
        for _ in range(k):
            b[rng.randrange(n)] = rng.randrange(256)
        return bytes(b), f"{kind} x{k}"
    if kind == "truncate":
        at = rng.randrange(1, n)
        return bytes(b[:at]), f"{kind} at {at}"
    at = rng.randrange(n)
    size = min(rng.choice((16, 64, 512, 4096, 65536)), n - at)
    if kind == "overwrite-block":
        b[at:at + size] = bytes(rng.randrange(256) for _ in range(size))
    elif kind == "delete-block":
        del b[at:at + size]
    else:
        b[at:at] = b[at:at + size]
    return bytes(b), f"{kind} {size} B at {at}"


def _frames(exc: BaseException) -> tuple[str, str]:
    """(deepest frame anywhere, deepest frame in audit/) of an exception's traceback."""
    tb = traceback.extract_tb(exc.__traceback__)
    if not tb:
        return "", ""
    deepest = f"{_short_path(tb[-1].filename)}:{tb[-1].lineno} {tb[-1].name}"
    ours = [f for f in tb if "/audit/" in f.filename.replace("\\", "/")]
    mine = f"{_short_path(ours[-1].filename)}:{ours[-1].lineno} {ours[-1].name}" if ours else ""
    return deepest, mine


def _short_path(p: str) -> str:
    p = p.replace("\\", "/")
    for anchor in ("/site-packages/", "/work/main/"):
        if anchor in p:
            return p.split(anchor, 1)[1]
    return p


def _check(path: str, timeout: float, conn: Any, direct: bool = False) -> None:
    """Audit one variant in a child process and send back the outcome.

    ``direct`` calls :func:`audit.extract.extract` itself (no pipeline boundary, no time
    budget), to list what escapes the extraction code.
    """
    from audit.errors import AuditError
    from audit.pipeline import audit_report

    try:
        if direct:
            from audit.extract import extract

            extract(path)
            res = []
        else:
            res = audit_report(path, samples=200, analyse=False, time_budget=timeout)
        conn.send({"outcome": "ok", "detail": f"{sum(len(r.footprints) for r in res)} models"})
    except AuditError as exc:
        out = {"outcome": "typed", "type": type(exc).__name__,
               "detail": " ".join(str(exc).split())[:200]}
        raised_in = _frames(exc)[0]
        ctx = exc.__context__
        if "time budget" in str(exc):
            out["type"] = f"{out['type']} (time budget)"
        elif ctx is not None and "pipeline.py" in raised_in:
            deepest, ours = _frames(ctx)
            out["boundary"] = {"type": f"{type(ctx).__module__}.{type(ctx).__qualname__}",
                               "from": deepest, "via": ours}
        conn.send(out)
    except BaseException as exc:  # noqa: BLE001 - what this benchmark looks for
        deepest, ours = _frames(exc)
        conn.send({"outcome": "untyped", "type": f"{type(exc).__module__}."
                   f"{type(exc).__qualname__}", "detail": " ".join(str(exc).split())[:200],
                   "from": deepest, "via": ours})
    finally:
        conn.close()


def run(corpus: Path = DEFAULT_CORPUS, *, variants: int = 300, seed: int = 1,
        timeout: float = 60.0, jobs: int = 2, workdir: Path | None = None,
        files: list[str] | None = None, quiet: bool = False,
        direct: bool = False) -> dict[str, Any]:
    """Run the mutation benchmark; returns the summary (see the module docstring).

    Parameters
    ----------
    corpus : pathlib.Path
        Folder of PDFs.
    variants : int
        Number of mutated files.
    seed : int
        Seed of the mutations (the same seed gives the same variants).
    timeout : float
        Time budget of one variant [s]; a process alive 30 s after it is a hang.
    jobs : int
        Variants checked at once.
    workdir : pathlib.Path, optional
        Where variants are written (default a temporary folder).
    files : list of str, optional
        Only these corpus file names.
    quiet : bool
        No line per variant on stderr.
    direct : bool
        Call :func:`audit.extract.extract` directly instead of the pipeline: an exception
        that escapes the extraction code then counts as untyped (for its owner).
    """
    import audit.pipeline  # noqa: F401 - loaded once here, inherited by the forked children

    pdfs = sorted(p for p in Path(corpus).glob("*.pdf") if not files or p.name in files)
    if not pdfs:
        raise SystemExit(f"{corpus}: no PDFs")
    originals = {p: p.read_bytes() for p in pdfs}
    rng = random.Random(seed)
    work = Path(workdir or tempfile.mkdtemp(prefix="mutation-"))
    work.mkdir(parents=True, exist_ok=True)
    ctx = mp.get_context("fork" if sys.platform != "win32" else "spawn")
    plan = []
    for i in range(variants):
        src = rng.choice(pdfs)
        data, how = mutate(originals[src], rng)
        path = work / f"{i:04d}-{src.stem}.pdf"
        path.write_bytes(data)
        plan.append((i, src.name, how, path))
    results: list[dict[str, Any]] = []
    running: list[tuple[Any, Any, float, tuple]] = []
    queue = list(plan)
    t0 = time.perf_counter()
    while queue or running:
        while queue and len(running) < jobs:
            item = queue.pop(0)
            parent, child = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_check, args=(str(item[3]), timeout, child, direct))
            proc.start()
            child.close()
            running.append((proc, parent, time.perf_counter(), item))
        still = []
        for proc, conn, started, item in running:
            i, name, how, path = item
            if conn.poll():
                try:
                    out = conn.recv()
                except EOFError:
                    out = {"outcome": "untyped", "type": "process died",
                           "detail": f"exit code {proc.exitcode}"}
                proc.join(5)
            elif not proc.is_alive():
                out = {"outcome": "untyped", "type": "process died",
                       "detail": f"exit code {proc.exitcode}"}
            elif time.perf_counter() - started > timeout + 30:
                proc.kill()
                proc.join()
                out = {"outcome": "hang", "detail": f"killed after {timeout + 30:g} s"}
            else:
                still.append((proc, conn, started, item))
                continue
            conn.close()
            out.update(variant=i, file=name, mutation=how,
                       seconds=round(time.perf_counter() - started, 2))
            results.append(out)
            if out["outcome"] in ("ok", "typed"):
                path.unlink(missing_ok=True)
            if not quiet:
                print(f"[{len(results)}/{variants}] {name} {how}: {out['outcome']} "
                      f"{out.get('type', '')}", file=sys.stderr)
        running = still
        time.sleep(0.05)
    results.sort(key=lambda r: r["variant"])
    summary = {
        "variants": variants, "seed": seed, "timeout": timeout,
        "seconds": round(time.perf_counter() - t0, 1),
        "outcomes": dict(Counter(r["outcome"] for r in results)),
        "typed": dict(Counter(r["type"] for r in results if r["outcome"] == "typed")),
        "boundary": dict(Counter(f"{r['boundary']['type']} via {r['boundary']['via']}"
                                 for r in results if r.get("boundary"))),
        "untyped": [r for r in results if r["outcome"] == "untyped"],
        "hangs": [r for r in results if r["outcome"] == "hang"],
        "workdir": str(work),
    }
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--variants", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=60.0, help="time budget per variant [s]")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--json", type=Path, default=None, help="write the summary here")
    ap.add_argument("--direct", action="store_true",
                    help="call audit.extract.extract, not the pipeline: list what escapes it")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args(argv)
    s = run(a.corpus, variants=a.variants, seed=a.seed, timeout=a.timeout, jobs=a.jobs,
            workdir=a.workdir, quiet=a.quiet, direct=a.direct)
    if a.json:
        a.json.write_text(json.dumps(s, indent=1) + "\n", encoding="utf-8")
    mode = "audit.extract.extract directly" if a.direct else "the pipeline"
    print(f"mutation run: {s['variants']} variants (seed {s['seed']}) through {mode} in "
          f"{s['seconds']} s")
    print("outcomes:", ", ".join(f"{k} {v}" for k, v in sorted(s["outcomes"].items())))
    print("typed errors:", ", ".join(f"{k} {v}" for k, v in sorted(s["typed"].items())))
    if s["boundary"]:
        print("typed only at the pipeline boundary (pdfminer/pdfplumber types that escape "
              "audit/extract):")
        for k, v in sorted(s["boundary"].items(), key=lambda kv: -kv[1]):
            print(f"  {v:4d}  {k}")
    print(f"untyped failures: {len(s['untyped'])}; hangs: {len(s['hangs'])}")
    for r in s["untyped"] + s["hangs"]:
        print(f"  {r['file']} [{r['mutation']}]: {r.get('type', 'hang')} {r['detail'][:100]} "
              f"from {r.get('from', '')} via {r.get('via', '')}")
    if s["untyped"] or s["hangs"]:
        print(f"failing variants kept in {s['workdir']}")
    return 1 if s["untyped"] or s["hangs"] else 0


if __name__ == "__main__":
    sys.exit(main())
