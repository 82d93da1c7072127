"""Where vigil keeps its data: `VIGIL_HOME` (default ~/.vigil) and `VIGIL_DATABASE_URL`; shared settings."""
from __future__ import annotations

import os
from pathlib import Path

# Terminal width (columns) from which tables keep all their columns; below it the CLI tables fold
# secondary columns into the main ones and the scan report prints one block per entity.
WIDE_TERMINAL = 120


def home() -> Path:
    path = Path(os.environ.get("VIGIL_HOME") or Path.home() / ".vigil").expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    """Any SQLAlchemy URL; SQLite under VIGIL_HOME by default."""
    url = os.environ.get("VIGIL_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{home() / 'vigil.db'}"
