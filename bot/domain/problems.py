"""Problems found in content files, each pinned to a file and line with a hint to fix it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        return f"{self.file}:{self.line}: {prefix}{self.message}"


@dataclass
class Problems:
    """Collects every problem of a load, so an admin sees them all at once."""

    items: list[Problem] = field(default_factory=list)

    def error(self, file: str, line: int, message: str) -> None:
        """Record a problem that stops the content from being used."""
        self.items.append(Problem(file, line, message, Severity.ERROR))

    def warning(self, file: str, line: int, message: str) -> None:
        """Record a problem the bot can live with."""
        self.items.append(Problem(file, line, message, Severity.WARNING))

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop the content from being used."""
        return [p for p in self.items if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        """The problems the bot can live with."""
        return [p for p in self.items if p.severity is Severity.WARNING]

    def sorted(self) -> list[Problem]:
        """Problems ordered by file, then line, errors before warnings on the same line."""
        return sorted(self.items, key=lambda p: (p.file, p.line, p.severity is Severity.WARNING))
