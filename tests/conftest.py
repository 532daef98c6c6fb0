"""Shared fixtures: the shipped sample content, a minimal fixture folder and a fixed clock."""

from __future__ import annotations

import datetime as dt
import io
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.domain.catalog import Catalog, load_catalog
from bot.logs import privacy_handler, set_levels
from tests.app_harness import TOKEN
from tests.canaries import found

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


@pytest.fixture(scope="session", autouse=True)
def privacy_audit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The whole suite runs at DEBUG through the production privacy handler; at the end, no
    log line and no file under any test's data folder may hold a canary or the test token."""
    stream = io.StringIO()
    handler = privacy_handler(stream, secrets=(TOKEN,))
    root = logging.getLogger()
    root.addHandler(handler)
    set_levels(logging.DEBUG)
    yield
    root.removeHandler(handler)
    log = stream.getvalue()
    assert found(log) == [] and TOKEN not in log, "a canary reached the logs"
    base = tmp_path_factory.getbasetemp()
    for path in base.rglob("*"):
        if path.is_file() and "data" in path.relative_to(base).parts:
            text = path.read_bytes().decode("latin-1")
            assert found(text) == [], f"a canary reached {path}"


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """Everything logged at DEBUG during the test, through the production handler."""
    stream = io.StringIO()
    handler = privacy_handler(stream, secrets=(TOKEN,))
    logging.getLogger().addHandler(handler)
    yield stream
    logging.getLogger().removeHandler(handler)
