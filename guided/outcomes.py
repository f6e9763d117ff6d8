"""How a listening session ended: the one list the player, the session log and
``guided log`` share.

- ``completed``: the end was reached by listening;
- ``skipped``: the end was reached by skipping past the last section with ``n`` (the
  time actually listened is kept beside it);
- ``stopped``: the listener pressed ``q``;
- ``interrupted``: Ctrl-C, SIGTERM, a lost sound output, a crash or a killed process.
"""

from __future__ import annotations

from typing import Literal

Outcome = Literal["completed", "skipped", "stopped", "interrupted"]

COMPLETED: Outcome = "completed"
SKIPPED: Outcome = "skipped"
STOPPED: Outcome = "stopped"
INTERRUPTED: Outcome = "interrupted"
OUTCOMES: tuple[Outcome, ...] = (COMPLETED, SKIPPED, STOPPED, INTERRUPTED)
REACHED_END: tuple[Outcome, ...] = (COMPLETED, SKIPPED)  # a --loop plays again, a journey goes on
