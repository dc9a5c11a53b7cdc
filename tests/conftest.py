"""Shared fixtures: the real corpus in ../shared (skipped where absent, required in CI)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def _shared(sub: str) -> Path:
    path = SHARED / sub
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing: CI must have ../shared beside the checkout")
        pytest.skip(f"{path} not found: the real corpus lives in ../shared (not in a fresh "
                    "clone); these tests run where it is present and always in CI")
    return path


@pytest.fixture(scope="session")
def corpus() -> Path:
    """../shared/corpus (PDFs, cards, answers.json)."""
    return _shared("corpus")


@pytest.fixture(scope="session")
def shared_cases() -> Path:
    return _shared("cases")


@pytest.fixture(scope="session")
def reference() -> Path:
    return _shared("reference")


@pytest.fixture(autouse=True, scope="session")
def _no_shared_extraction_cache(tmp_path_factory):
    """Tests never read or write the user's extraction cache: one fresh folder per run."""
    os.environ["FOOTPRINT_AUDIT_CACHE"] = str(tmp_path_factory.mktemp("extract-cache"))
