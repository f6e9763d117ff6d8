"""How a listening session ended: the one list the player, the session log and
``guided log`` share.

- ``completed``: the end was reached (or ``n`` in the last section);
- ``stopped``: the listener pressed ``q``;
- ``interrupted``: Ctrl-C, SIGTERM, a crash or a killed process.
"""

from __future__ import annotations

from typing import Literal

Outcome = Literal["completed", "stopped", "interrupted"]

COMPLETED: Outcome = "completed"
STOPPED: Outcome = "stopped"
INTERRUPTED: Outcome = "interrupted"
OUTCOMES: tuple[Outcome, ...] = (COMPLETED, STOPPED, INTERRUPTED)
