"""The named steps of training, for progress displays (kept light: no model stack imported)."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str], None]
TRAINING_STEPS = ("split", "fit on training split", "evaluate held-out split", "refit on all data")
