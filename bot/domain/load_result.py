"""What a load of the content folder gives: the content, its problems, translation coverage.

Apart from the loader, which reads YAML: the running bot reads these back from the compiled
cache without importing the loader, PyYAML or the validator (1.8 MiB of its memory;
tests/test_run_memory.py checks it)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.domain.models import Content
from bot.domain.problems import Problems

MISSING_LINES_SHOWN = 5


@dataclass
class Coverage:
    """How many user-readable texts exist in each locale, and where they are missing."""

    total: int = 0
    present: Counter[str] = field(default_factory=Counter)
    # By file and locale: how many texts are missing, and the lines of the first few (what a
    # warning shows; every line, kept in the compiled cache, was 3.5 MiB at 10,000 listings).
    missing: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    missing_count: Counter[tuple[str, str]] = field(default_factory=Counter)

    def record(self, file: str, line: int, locales: tuple[str, ...], values: dict) -> None:
        """Count one text and note the locales it is missing in."""
        self.total += 1
        if all(map(values.get, locales)):  # the usual text, in every locale
            present = self.present
            for locale in locales:  # `Counter.update` costs three times as much
                present[locale] += 1
            return
        for locale in locales:
            if values.get(locale):
                self.present[locale] += 1
            else:
                self.missing_count[(file, locale)] += 1
                lines = self.missing[(file, locale)]
                if len(lines) < MISSING_LINES_SHOWN:
                    lines.append(line)

    def percent(self, locale: str) -> float:
        """The share of texts that exist in `locale`."""
        return 100.0 if self.total == 0 else 100.0 * self.present[locale] / self.total


@dataclass(frozen=True)
class LoadResult:
    """The content (None when there were errors), every problem, and translation coverage."""

    content: Content | None
    problems: Problems
    coverage: Coverage
    # Which file each region was read from (for per-region counts).
    region_files: Mapping[str, str] = field(default_factory=dict)
