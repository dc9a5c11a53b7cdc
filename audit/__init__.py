"""footprint-audit: audit what AI developers disclose about the cost of training.

Extract GPU-hours, energy, emissions, parameters, tokens and training compute from report
PDFs and model cards; reconstruct the missing meters with sourced assumptions and intervals;
flag legal compute thresholds.  See README.md and DESIGN.md.
"""

from audit.errors import (
    AssumptionRangeError,
    AuditError,
    AuditWarning,
    ExtractionError,
    MissingInputError,
    SchemaError,
    UnitError,
    UnknownAssumptionError,
)
from audit.units import Q_, parse_unit, ureg

__version__ = "0.1.0"


def __getattr__(name: str):  # lazy: keep `import audit` and the CLI start fast
    if name in ("extract", "extract_text"):
        from audit import extract as _extract_module

        return getattr(_extract_module, name)
    if name in ("reconstruct", "estimate"):
        from audit import reconstruct as _r

        return getattr(_r, name)
    if name in ("audit_report", "run", "AuditResult", "RunResult", "audit_many"):
        from audit import pipeline as _p

        return getattr(_p, name)
    if name in ("Disclosure", "Footprint", "Flag", "Figure", "ModelDisclosure",
                "load_disclosure", "load_disclosures"):
        from audit import records as _rec

        return getattr(_rec, name)
    raise AttributeError(f"module 'audit' has no attribute {name!r}")


__all__ = [
    "AssumptionRangeError", "AuditError", "AuditWarning", "ExtractionError",
    "MissingInputError", "SchemaError", "UnitError", "UnknownAssumptionError",
    "Q_", "parse_unit", "ureg", "extract", "extract_text", "reconstruct", "estimate",
    "audit_report", "audit_many", "run", "AuditResult", "RunResult", "Disclosure",
    "Footprint", "Flag", "Figure", "ModelDisclosure", "load_disclosure", "load_disclosures",
]
