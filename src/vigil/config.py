"""Where vigil keeps its data: `VIGIL_HOME` (default ~/.vigil) and `VIGIL_DATABASE_URL`."""
from __future__ import annotations

import os
from pathlib import Path


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
