"""What keeps `python -m bot run` small (docs/performance.md, "Memory, fourth pass")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_running_bot_does_not_import_what_only_commands_use() -> None:
    """Pillow (charts for `stats --plot`) and segno (QR codes) cost 4.3 MiB of a running
    bot's memory; they are imported when first drawn, never by what `run` imports."""
    code = (
        "import sys, bot.cli, bot.app, bot.handlers.handlers; "
        "print(' '.join(m for m in ('PIL', 'segno') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == ""
