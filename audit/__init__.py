"""footprint-audit: audit what AI developers disclose about the cost of training.

Extract GPU-hours, energy, emissions, parameters, tokens and training compute from report
PDFs and model cards; reconstruct the missing meters with sourced assumptions and intervals;
flag legal compute thresholds.  See README.md and DESIGN.md.

The public API (every name is imported on first use, so that ``import audit`` and
``footprint-audit --help`` start fast):

- ``audit.extract(path)`` -> :class:`Disclosure` (a PDF or a Markdown card);
- ``audit.reconstruct(disclosure)`` -> list of :class:`Footprint`;
- ``audit.analyse(disclosure, footprint)`` -> sensitivity rows (where
  :mod:`audit.sensitivity` is installed);
- ``audit.audit_report(path)`` -> list of :class:`AuditResult`; ``audit.audit_many(paths)``
  and ``audit.run()`` -> :class:`RunResult`; each has ``.to_frame()``;
- ``audit.Q_`` and ``audit.ureg``: the pint registry.

``audit.extract`` and ``audit.reconstruct`` are both the functions and their modules: the
modules are made callable, so ``audit.extract(path)`` and ``audit.extract.figures`` both work
whatever was imported first.
"""

from __future__ import annotations

import importlib
import sys
import types

from audit.errors import (
    AssumptionRangeError,
    AuditError,
    AuditWarning,
    ExtractionError,
    MissingInputError,
    OutputExistsError,
    SchemaError,
    UnitError,
    UnknownAssumptionError,
)

__version__ = "0.1.0"

_LAZY = {
    "Q_": "audit.units", "ureg": "audit.units", "parse_unit": "audit.units",
    "extract_text": "audit.extract",
    "estimate": "audit.reconstruct",
    "analyse": "audit.sensitivity",
    "audit_report": "audit.pipeline", "audit_many": "audit.pipeline", "run": "audit.pipeline",
    "AuditResult": "audit.pipeline", "RunResult": "audit.pipeline",
    "Disclosure": "audit.records", "Footprint": "audit.records", "Flag": "audit.records",
    "Figure": "audit.records", "ModelDisclosure": "audit.records",
    "load_disclosure": "audit.records", "load_disclosures": "audit.records",
}


class _CallableModule(types.ModuleType):
    """A module that, called, calls its function of the same name (``audit.extract(p)``)."""

    def __call__(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN204
        return getattr(self, self.__name__.rsplit(".", 1)[1])(*args, **kwargs)


def _callable_submodule(name: str) -> types.ModuleType:
    mod = importlib.import_module(f"audit.{name}")
    if type(mod) is types.ModuleType:
        mod.__class__ = _CallableModule
    return mod


class _Package(types.ModuleType):
    """The ``audit`` package: ``extract`` and ``reconstruct`` are callable submodules.

    They are data descriptors, so the import system's ``setattr(audit, "extract", module)``
    lands in the setter and the getter always hands back the callable module.
    """

    @property
    def extract(self) -> types.ModuleType:
        return _callable_submodule("extract")

    @extract.setter
    def extract(self, value: object) -> None:  # set by the import system; nothing to keep
        pass

    @property
    def reconstruct(self) -> types.ModuleType:
        return _callable_submodule("reconstruct")

    @reconstruct.setter
    def reconstruct(self, value: object) -> None:
        pass


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str):  # noqa: ANN202 - lazy: keep `import audit` and the CLI fast
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'audit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "AssumptionRangeError", "AuditError", "AuditWarning", "ExtractionError",
    "MissingInputError", "OutputExistsError", "SchemaError", "UnitError",
    "UnknownAssumptionError", "Q_", "parse_unit", "ureg", "extract", "extract_text",
    "reconstruct", "estimate", "analyse", "audit_report", "audit_many", "run", "AuditResult",
    "RunResult", "Disclosure", "Footprint", "Flag", "Figure", "ModelDisclosure",
    "load_disclosure", "load_disclosures",
]
