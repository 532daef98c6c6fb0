"""Shared fixtures: the shipped sample content, a minimal fixture folder and a fixed clock."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.domain.catalog import Catalog, load_catalog

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal"
LOS_ANGELES = dt.timezone(dt.timedelta(hours=-8))
# A Sunday in November, 10:00 in Oakland.
SUNDAY_MORNING = dt.datetime(2026, 11, 22, 10, 0, tzinfo=LOS_ANGELES)


@pytest.fixture(scope="session")
def sample_catalog() -> Catalog:
    catalog, result = load_catalog(CONTENT)
    assert catalog is not None, [str(p) for p in result.problems.errors]
    return catalog


@pytest.fixture(scope="session")
def minimal_catalog() -> Catalog:
    catalog, result = load_catalog(MINIMAL)
    assert catalog is not None, [str(p) for p in result.problems.errors]
    return catalog


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the minimal content folder."""
    target = tmp_path / "content"
    shutil.copytree(MINIMAL, target)
    return target
