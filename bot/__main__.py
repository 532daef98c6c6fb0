"""Entry point for `python -m bot`."""

import sys

if sys.argv[1:] == ["run"]:
    # The bot itself: none of the other commands' code (nor their argument parser) is loaded
    # into its process (docs/performance.md, "Memory, tenth pass").
    from bot.run import run

    sys.exit(run(sys.stderr))

from bot.cli import main

sys.exit(main())
