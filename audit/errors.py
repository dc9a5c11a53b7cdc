"""Error and warning types of footprint-audit.

Every error raised at the public boundary is an :class:`AuditError`; each concrete error is
also a builtin (``ValueError``, ``KeyError``, ``FileNotFoundError``) so that callers who do not
know this package can still catch it.  Messages name the file, page or field, the bad value
and what to do about it (DESIGN.md section 9).
"""

from __future__ import annotations


class AuditError(Exception):
    """Base of every error this package raises on purpose."""


class SchemaError(AuditError, ValueError):
    """A record (JSON) or data row does not have the required shape."""


class MissingInputError(AuditError, FileNotFoundError):
    """An input file, or an input a computation needs, is missing."""


class AssumptionRangeError(AuditError, ValueError):
    """A value is outside its physical or plausible range (PUE < 1, negative hours, NaN)."""


class UnknownAssumptionError(AuditError, KeyError):
    """An assumption id, accelerator, operator or region is not in the registry."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""


class ExtractionError(AuditError, ValueError):
    """A document could not be read (corrupt, encrypted, not a PDF, no text layer)."""


class UnitError(AuditError, ValueError):
    """A quantity has the wrong dimension, or a unit string does not parse."""


class AuditWarning(UserWarning):
    """A soft problem; also stored on the result so that it reaches output/."""


class OutputExistsError(AuditError, FileExistsError):
    """The output folder holds a previous run and overwriting was not asked for (--force)."""
