"""Records: frozen dataclasses for disclosures, footprints and flags, with JSON in and out.

A record is validated against its JSON Schema (``schemas/``, draft 2020-12) when it is read
and before it is written.  Figures keep their value and unit as printed-normalised numbers
and strings in the record; :attr:`Figure.quantity` gives the pint Quantity.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from audit.errors import SchemaError
from audit.units import quantity

SCHEMA_NAMES = ("disclosure", "footprint", "flag")


def _schema_dir() -> Path:
    packaged = resources.files("audit") / "schemas"
    if packaged.is_dir():  # installed wheel
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "schemas"  # source checkout


@cache
def schema(name: str) -> dict[str, Any]:
    """Return the JSON Schema ``name`` (``disclosure``, ``footprint`` or ``flag``)."""
    if name not in SCHEMA_NAMES:
        raise KeyError(name)
    return json.loads((_schema_dir() / f"{name}.schema.json").read_text(encoding="utf-8"))


@cache
def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema(name))


def validate(obj: Any, name: str, *, where: str = "record") -> None:
    """Validate ``obj`` against schema ``name``.

    Raises
    ------
    SchemaError
        Naming ``where`` (usually the file), the JSON path of the first bad field, and the
        rule it breaks.
    """
    errors = sorted(_validator(name).iter_errors(obj), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        path = "/".join(str(p) for p in e.absolute_path) or "(top level)"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise SchemaError(f"{where}: field {path}: {e.message}{more}; "
                          f"see schemas/{name}.schema.json")


@dataclass(frozen=True)
class Figure:
    """One disclosed (or extraction-derived) number with its provenance.

    Attributes
    ----------
    field : str
        Glossary name (DESIGN.md section 4), e.g. ``accelerator_hours``.
    value : float or None
        Magnitude in ``unit``; None for a word such as "Negligible" (see ``bound``).
    unit : str
        Unit string that :func:`audit.units.parse_unit` accepts.
    status : str
        ``reported`` (printed by the report), ``derived`` (worked out by extraction, with
        ``method`` and ``inputs``) or ``cited`` (a figure the report quotes from another
        source: kept for the reader, never an input; :meth:`ModelDisclosure.get` skips it).
    """

    field: str
    value: float | None
    unit: str
    bound: str = "exact"
    page: int | None = None
    section: str | None = None
    locator: str | None = None
    text: str | None = None
    label: str | None = None
    basis: str | None = None
    scope: str | None = None
    status: str = "reported"
    method: str | None = None
    inputs: tuple[str, ...] = ()

    @property
    def quantity(self):  # noqa: ANN201 - pint.Quantity
        """The value as a pint Quantity in the record's unit (None if no value)."""
        if self.value is None:
            return None
        return quantity(self.value, self.unit, field=_dim_field(self.field))

    @property
    def where(self) -> str:
        """Human-readable place: page or section, and locator."""
        place = f"p. {self.page}" if self.page is not None else (self.section or "")
        return ", ".join(p for p in (place, self.locator) if p)

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in asdict(self).items() if v is not None and v != ()}
        if "inputs" in d:
            d["inputs"] = list(d["inputs"])
        if d.get("bound") == "exact":
            del d["bound"]
        if d.get("status") == "reported":
            del d["status"]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Figure:
        d = dict(d)
        d["inputs"] = tuple(d.get("inputs", ()))
        return cls(**d)


def _dim_field(name: str) -> str:
    return "energy" if name in ("it_energy", "facility_energy") else name


@dataclass(frozen=True)
class Warning_:
    """A soft problem found in a document or a reconstruction (code + message)."""

    code: str
    message: str
    model: str | None = None
    field: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class ModelDisclosure:
    """The figures one document gives for one model (or one aggregate row)."""

    name: str
    kind: str = "model"
    figures: tuple[Figure, ...] = ()
    accelerator: str | None = None
    accelerator_printed: str | None = None
    precision: str | None = None
    operator: str | None = None
    location: str | None = None
    year: int | None = None
    architecture: str | None = None

    def get(self, name: str) -> list[Figure]:
        """The report's own figures of glossary field ``name`` (reported or derived), in
        document order; figures it quotes from other sources (status ``cited``) are left
        out: they are kept in the record for the reader, never used as inputs."""
        return [f for f in self.figures if f.field == name and f.status != "cited"]

    @property
    def own_figures(self) -> tuple[Figure, ...]:
        """Every figure but the ``cited`` ones (see :meth:`get`)."""
        return tuple(f for f in self.figures if f.status != "cited")

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "kind": self.kind}
        for k in ("accelerator", "accelerator_printed", "precision", "operator", "location",
                  "year", "architecture"):
            if getattr(self, k) is not None:
                d[k] = getattr(self, k)
        d["figures"] = [f.to_dict() for f in self.figures]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelDisclosure:
        d = dict(d)
        d["figures"] = tuple(Figure.from_dict(f) for f in d.get("figures", ()))
        return cls(**d)


#: Fields whose value may be zero (a market-based 0 tCO2e, a free run); all others must be > 0.
NON_NEGATIVE_FIELDS = {"emissions", "embodied_emissions", "carbon_intensity", "cost"}


def check_values(d: dict[str, Any], *, where: str = "record") -> None:
    """Check the values of a schema-valid disclosure dict beyond what JSON Schema can say.

    Rules: every figure's value is a finite number (or null); its unit parses and has the
    dimension of its field; ``pue`` >= 1; ``mfu`` in (0, 1]; emissions, carbon intensity and
    cost >= 0; every other field > 0 (no negative or zero hours).

    Parameters
    ----------
    d : dict
        A disclosure as read from JSON (already validated against the schema).
    where : str
        The file, named in the message.

    Raises
    ------
    SchemaError
        Naming ``where``, the JSON path of the figure (``models/0/figures/2/value``), the
        value and the rule it breaks.
    """
    from audit.errors import AuditError

    for i, m in enumerate(d.get("models", ())):
        for j, f in enumerate(m.get("figures", ())):
            path = f"{where}: field models/{i}/figures/{j}"
            name, value = f["field"], f["value"]
            if value is None:
                continue
            if isinstance(value, bool) or not math.isfinite(float(value)):
                raise SchemaError(f"{path}/value: {value!r} is not a finite number "
                                  f"({name} of {m['name']!r})")
            try:
                q = quantity(float(value), f["unit"], field=_dim_field(name))
            except AuditError as exc:
                raise SchemaError(f"{path}/unit: {exc}") from None
            mag = float(q.to_base_units().magnitude) if name not in ("pue", "mfu") else float(
                q.to("dimensionless").magnitude)
            rule = None
            if name == "pue" and mag < 1:
                rule = "PUE is facility / IT energy and cannot be below 1"
            elif name == "mfu" and not 0 < mag <= 1:
                rule = "MFU must be in (0, 1]"
            elif name in NON_NEGATIVE_FIELDS and mag < 0:
                rule = "must not be negative"
            elif name not in NON_NEGATIVE_FIELDS and mag <= 0:
                rule = "must be positive"
            if rule:
                raise SchemaError(f"{path}/value: {name}={value:g} {f['unit']} of "
                                  f"{m['name']!r}: {rule}")


@dataclass(frozen=True)
class Disclosure:
    """What one report discloses, per model, with its source."""

    report_id: str
    source: dict[str, Any]
    models: tuple[ModelDisclosure, ...] = ()
    warnings: tuple[Warning_, ...] = ()

    def model(self, name: str) -> ModelDisclosure:
        """The model row called ``name`` (exact match)."""
        for m in self.models:
            if m.name == name:
                return m
        raise KeyError(f"{self.report_id}: no model {name!r}; models: "
                       f"{', '.join(m.name for m in self.models)}")

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"schema_version": 1, "report_id": self.report_id,
                             "source": dict(self.source),
                             "models": [m.to_dict() for m in self.models]}
        if self.warnings:
            d["warnings"] = [w.to_dict() for w in self.warnings]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any], *, where: str = "disclosure") -> Disclosure:
        validate(d, "disclosure", where=where)
        check_values(d, where=where)
        return cls(report_id=d["report_id"], source=dict(d["source"]),
                   models=tuple(ModelDisclosure.from_dict(m) for m in d["models"]),
                   warnings=tuple(Warning_(**w) for w in d.get("warnings", ())))


@dataclass(frozen=True)
class Meter:
    """One reconstructed meter: central value, 5-95 % interval and provenance."""

    value: float
    unit: str
    status: str
    low: float | None = None
    high: float | None = None
    method: str | None = None
    inputs: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    page: int | None = None
    section: str | None = None
    locator: str | None = None
    text: str | None = None
    basis: str | None = None
    scope: str | None = None
    bound: str | None = None

    @property
    def quantity(self):  # noqa: ANN201
        return quantity(self.value, self.unit)

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in asdict(self).items() if v is not None and v != ()}
        for k in ("inputs", "assumptions"):
            if k in d:
                d[k] = list(d[k])
        return d


@dataclass(frozen=True)
class Footprint:
    """The reconstructed meters of one model of one report."""

    report_id: str
    model: str
    kind: str
    meters: dict[str, Meter]
    route: tuple[str, ...] = ()
    accelerator: str | None = None
    assumptions: tuple[dict[str, Any], ...] = ()
    warnings: tuple[Warning_, ...] = ()
    samples: int | None = None
    seed: int | None = None
    #: Monte Carlo draws of some meters (magnitudes in the meter's unit), shape (samples,);
    #: kept in memory for P(exceed) and sensitivity, not written to JSON.
    draws: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"schema_version": 1, "report_id": self.report_id,
                             "model": self.model, "kind": self.kind,
                             "accelerator": self.accelerator, "route": list(self.route),
                             "meters": {k: m.to_dict() for k, m in self.meters.items()},
                             "assumptions": [dict(a) for a in self.assumptions],
                             "warnings": [w.to_dict() for w in self.warnings]}
        if self.samples is not None:
            d["samples"], d["seed"] = self.samples, self.seed
        validate(d, "footprint", where=f"footprint {self.report_id}/{self.model}")
        return d


@dataclass(frozen=True)
class Flag:
    """A compute-threshold verdict for one model under one regime."""

    report_id: str
    model: str
    regime: str
    threshold: float
    verdict: str
    estimate: float | None
    method: str
    estimate_low: float | None = None
    estimate_high: float | None = None
    p_exceed: float | None = None
    margin_oom: float | None = None
    jurisdiction: str = ""
    instrument: str = ""
    provision: str = ""
    comparison: str = "gt"
    counts: str = ""
    other_methods: str = ""
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        validate(d, "flag", where=f"flag {self.report_id}/{self.model}/{self.regime}")
        return d


def _read_json(p: Path) -> Any:
    """The JSON value in file ``p``; typed errors naming the file."""
    from audit.errors import MissingInputError

    if not p.is_file():
        raise MissingInputError(f"{p}: no such file")
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SchemaError(f"{p}: not valid JSON ({exc})") from None
    except UnicodeDecodeError:
        raise SchemaError(f"{p}: not UTF-8 text; a record is UTF-8 JSON") from None
    except RecursionError:
        raise SchemaError(f"{p}: JSON nested too deeply to be a disclosure record") from None


def load_disclosure(path: str | os.PathLike[str]) -> Disclosure:
    """Read and validate a disclosure record (JSON file).

    Raises
    ------
    MissingInputError
        If the file does not exist.
    SchemaError
        If it is not JSON, or fails ``schemas/disclosure.schema.json`` (field and rule named).
    """
    p = Path(path)
    data = _read_json(p)
    if isinstance(data, list):  # a file written by `extract -o` holds a list
        raise SchemaError(f"{p}: holds a list of records; read it with load_disclosures()")
    return Disclosure.from_dict(data, where=str(p))


def load_disclosures(path: str | os.PathLike[str]) -> list[Disclosure]:
    """Read a JSON file holding one disclosure record or a list of them (validated)."""
    p = Path(path)
    data = _read_json(p)
    items = data if isinstance(data, list) else [data]
    return [Disclosure.from_dict(d, where=f"{p}[{i}]") for i, d in enumerate(items)]


def _file_mode() -> int:
    """0o666 less the process umask: the mode ``open()`` would give a new file."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


_FILE_MODE = _file_mode()


def write_atomic(path: str | os.PathLike[str], text: str | bytes) -> Path:
    """Write ``text`` to ``path`` through a temporary file and a rename (never half-written)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(text, bytes) else "w"
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8",
                                                                "newline": ""})) as fh:
            fh.write(text)
        os.chmod(tmp, _FILE_MODE)  # mkstemp makes 0600; give the usual rw-r--r--
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p


def safe_filename(name: str, fallback: str = "report", max_len: int = 80) -> str:
    """A file name made from a report or model name that cannot leave its folder.

    Parameters
    ----------
    name : str
        Any text (a report id, a model name, an attacker's ``../../x``).
    fallback : str
        The name when nothing usable is left.
    max_len : int
        Longest name [characters]; a longer one is cut and given a hash suffix, so two long
        names stay distinct.

    Returns
    -------
    str
        Lower-case letters, digits, ``.``, ``_`` and ``-`` only; no path separator, no
        control character, no leading or trailing dot or dash, no ``..``.

    Examples
    --------
    >>> safe_filename("../../etc/passwd")
    'etc-passwd'
    >>> safe_filename("Llama 3.1 405B")
    'llama-3.1-405b'
    """
    s = re.sub(r"[^a-z0-9._-]+", "-", name.lower())
    s = re.sub(r"\.{2,}", ".", s)
    s = re.sub(r"-{2,}", "-", s).strip(".-_")
    if len(s) > max_len:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
        s = s[:max_len - 9].rstrip(".-_") + "-" + digest
    return s or fallback


def path_inside(root: str | os.PathLike[str], rel: str) -> Path:
    """``root / rel``, refusing a ``rel`` that resolves outside ``root``.

    Raises
    ------
    SchemaError
        If ``rel`` leaves ``root`` (absolute, ``..``, a symlink out).
    """
    base = Path(root)
    path = (base / rel).resolve()
    if not path.is_relative_to(base.resolve()):
        raise SchemaError(f"{rel!r}: would be written outside {base}; refusing")
    return base / rel


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``path`` (same suffix), renamed to ``path`` on success.

    For writers that take a file name (matplotlib's ``savefig``): the file appears whole or
    not at all; on an error or Ctrl-C the temporary file is removed.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.stem}.", suffix=p.suffix)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, p)
    finally:
        Path(tmp).unlink(missing_ok=True)


def dump_json(obj: Any) -> str:
    """Deterministic JSON text (sorted keys are not used: record order is meaningful)."""
    return json.dumps(obj, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


__all__ = ["Figure", "ModelDisclosure", "Disclosure", "Meter", "Footprint", "Flag",
           "Warning_", "load_disclosure", "load_disclosures", "validate", "schema",
           "write_atomic", "dump_json", "safe_filename", "path_inside", "atomic_path",
           "check_values"]
