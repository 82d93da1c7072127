"""Signed audit checkpoints: proof, kept outside the database, of what the audit log held.

The hash chain (`vigil.service.audit`) shows that rows were not edited *relative to each other*; but
whoever can write to the database can also rewrite the tail, recompute every later hash and the
one-row `audit_head`, and the chain verifies again. A checkpoint closes that gap: it is the row count
(`seq`), the hash of that row (`head`) and the time, signed with an Ed25519 key that lives in a file
(`VIGIL_HOME/keys/audit_ed25519.pem` or VIGIL_AUDIT_KEY), never in the database, and published to a
file and/or a command of the operator's choice (VIGIL_AUDIT_CHECKPOINT_FILE / _CMD). Because row
`seq`'s hash commits to every row before it, `verify_checkpoints()` proves that the log still holds
each checkpointed prefix unchanged: a truncated tail, rows forged in place of real ones, an edit
re-chained with recomputed hashes all change the hash at the checkpointed seq or remove the row.

A checkpoint is made by `vigil audit checkpoint`, and automatically (`maybe_checkpoint`) once
VIGIL_AUDIT_CHECKPOINT_ROWS rows or VIGIL_AUDIT_CHECKPOINT_MINUTES minutes have passed since the
last one: after CLI commands and from a thread of `vigil serve`. Before signing, the log is checked
from the last published checkpoint on (or from its start): vigil never signs a log that is already
broken. What a checkpoint cannot show is anything after the newest one; see docs/security.md.
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import subprocess
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Engine, insert, select

from vigil.service import audit

log = logging.getLogger(__name__)
FORMAT = "vigil-audit-checkpoint/1"

audit_checkpoints = audit.audit_checkpoints


class CheckpointError(Exception):
    """No key, a key that cannot be read, a log that is already broken, or a failed publication. Exit 2."""


# -- keys ---------------------------------------------------------------------------------------

def public_path(private: Path) -> Path:
    return private.with_name(private.name + ".pub")


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """The signing key at `path`; created (mode 0600, folder 0700) with its `.pub` beside it when absent."""
    path = Path(path)
    if path.exists():
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (OSError, ValueError, TypeError) as exc:
            raise CheckpointError(f"cannot read the audit signing key {path}: {exc}") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise CheckpointError(f"{path} is not an Ed25519 private key")
        return key
    key = Ed25519PrivateKey.generate()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        public_path(path).write_bytes(key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    except FileExistsError:  # another process created it a moment ago
        return load_or_create_key(path)
    except OSError as exc:
        raise CheckpointError(f"cannot create the audit signing key {path}: {exc.strerror or exc}") from None
    log.warning("created the audit checkpoint signing key %s (public key %s)", path, public_path(path))
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A public key from a `.pub` PEM file, or the public half of a private key file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CheckpointError(f"cannot read the public key {path}: {exc.strerror or exc}") from None
    try:
        if b"PRIVATE KEY" in data:
            key: Any = serialization.load_pem_private_key(data, password=None).public_key()
        else:
            key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise CheckpointError(f"{path} is not a PEM key: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError(f"{path} is not an Ed25519 key")
    return key


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


# -- checkpoints --------------------------------------------------------------------------------

@dataclass
class Checkpoint:
    seq: int  # rows in the log (the last row's seq)
    head: str  # that row's hash (GENESIS for an empty log)
    time: str
    key_id: str
    signature: str = ""  # base64 Ed25519 over `message()`
    format: str = FORMAT

    def message(self) -> bytes:
        return audit.canonical_json({"format": self.format, "seq": self.seq, "head": self.head,
                                     "time": self.time, "key_id": self.key_id}).encode("utf-8")

    def sign(self, key: Ed25519PrivateKey) -> "Checkpoint":
        self.signature = base64.b64encode(key.sign(self.message())).decode("ascii")
        return self

    def signed_by(self, public: Ed25519PublicKey) -> bool:
        try:
            public.verify(base64.b64decode(self.signature, validate=True), self.message())
            return True
        except (InvalidSignature, ValueError):
            return False

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: Any) -> "Checkpoint":
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"not a vigil audit checkpoint (format {FORMAT})")
        try:
            seq, head = int(data["seq"]), str(data["head"])
            return cls(seq=seq, head=head, time=str(data["time"]), key_id=str(data["key_id"]),
                       signature=str(data["signature"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"checkpoint field missing or invalid: {exc}") from None


def read_checkpoints(path: Path) -> list[Checkpoint]:
    """Every checkpoint in a file: one JSON object, or JSON lines (the published file). ValueError if none."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    out = []
    try:
        whole = json.loads(text)
    except ValueError:
        whole = None
    if isinstance(whole, dict):  # one checkpoint, possibly indented
        try:
            return [Checkpoint.from_dict(whole)]
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(Checkpoint.from_dict(json.loads(line)))
        except ValueError as exc:
            raise ValueError(f"{path}:{number}: {exc}") from None
    if not out:
        raise ValueError(f"{path}: no checkpoint in the file")
    return out


def _head(engine: Engine) -> tuple[int, str]:
    with engine.connect() as conn:
        row = conn.execute(select(audit.audit_head.c.seq, audit.audit_head.c.hash)
                           .where(audit.audit_head.c.id == 1)).first()
    return (row.seq, row.hash) if row else (0, audit.GENESIS)


def _check_from(engine: Engine, start: Checkpoint | None) -> tuple[int, str]:
    """Walk the chain from `start` (a checkpoint already trusted) or from row 1, up to the head record;
    CheckpointError when anything is off. Returns (seq, hash) of the last row."""
    seq, prev = (start.seq, start.head) if start else (0, audit.GENESIS)
    with engine.connect() as conn:
        if start is not None and start.seq > 0:
            at = conn.execute(select(audit.audit_log.c.hash).where(audit.audit_log.c.seq == start.seq)).scalar()
            if at != start.head:
                raise CheckpointError(f"the audit log no longer matches the last published checkpoint (seq "
                                      f"{start.seq} {start.time}): not signing; run `vigil audit verify --checkpoint`")
        rows = conn.execute(select(audit.audit_log).where(audit.audit_log.c.seq > seq)
                            .order_by(audit.audit_log.c.seq).execution_options(yield_per=1000))
        for row in rows:
            if row.seq != seq + 1 or row.prev_hash != prev or row.hash != audit.row_hash(
                    row.prev_hash, row.seq, row.time, row.actor, row.action, row.payload):
                raise CheckpointError(f"the audit log is broken at row {seq + 1}: not signing; run `vigil audit verify`")
            seq, prev = row.seq, row.hash
        head = conn.execute(select(audit.audit_head.c.seq, audit.audit_head.c.hash)
                            .where(audit.audit_head.c.id == 1)).first()
    if head is None or (head.seq, head.hash) != (seq, prev):
        raise CheckpointError("the audit chain head does not match the last row: not signing; run `vigil audit verify`")
    return seq, prev


def _last_published(path: Path | None, public: Ed25519PublicKey) -> Checkpoint | None:
    """The newest checkpoint in the published file that this key signed (the trusted starting point)."""
    if path is None or not path.is_file():
        return None
    try:
        found = read_checkpoints(path)
    except ValueError:
        return None
    ours = [c for c in found if c.key_id == key_id(public) and c.signed_by(public)]
    return max(ours, key=lambda c: c.seq, default=None)


@dataclass
class Destinations:
    file: Path | None = None
    command: str | None = None
    extra_files: list[Path] = field(default_factory=list)  # e.g. `vigil audit checkpoint --output FILE`

    @classmethod
    def from_settings(cls, settings: Any) -> "Destinations":
        return cls(file=settings.audit_checkpoint_path, command=settings.audit_checkpoint_cmd)


def _append_line(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def publish(checkpoint: Checkpoint, to: Destinations) -> list[str]:
    """Append the checkpoint to the file(s) and feed it to the command; CheckpointError if any fails."""
    line = checkpoint.to_json()
    done = []
    for path in ([to.file] if to.file else []) + list(to.extra_files):
        try:
            _append_line(Path(path), line)
        except OSError as exc:
            raise CheckpointError(f"cannot write the checkpoint to {path}: {exc.strerror or exc}") from None
        done.append(str(path))
    if to.command:
        try:
            proc = subprocess.run(to.command, shell=True, input=line + "\n", text=True, capture_output=True,
                                  timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise CheckpointError(f"the checkpoint command failed: {exc}") from None
        if proc.returncode != 0:
            detail = " ".join((proc.stderr or proc.stdout or "").split())[:200]
            raise CheckpointError(f"the checkpoint command exited with {proc.returncode}: {detail}")
        done.append("command")
    if not done:
        raise CheckpointError("no destination for the checkpoint (set VIGIL_AUDIT_CHECKPOINT_FILE or _CMD, "
                              "or give --output)")
    return done


_locks: dict[str, threading.Lock] = {}


def make_checkpoint(engine: Engine, key_path: Path, to: Destinations, full: bool = True) -> Checkpoint:
    """Check the log, sign its current head and publish it. `full`: the whole chain is checked (what
    `vigil audit checkpoint` does); otherwise (the automatic checkpoints) only the rows after the last
    published checkpoint, whose head must still be in the log."""
    audit.ensure_tables(engine)
    lock = _locks.setdefault(str(engine.url), threading.Lock())
    with lock:
        key = load_or_create_key(key_path)
        public = key.public_key()
        start = _last_published(to.file, public)
        if full:
            whole = audit.verify(engine)
            if not whole.ok:
                raise CheckpointError(f"the audit log is broken at row {whole.first_bad_seq}: not signing; run "
                                      f"`vigil audit verify`")
        seq, head = _check_from(engine, start)
        checkpoint = Checkpoint(seq=seq, head=head, key_id=key_id(public),
                                time=datetime.now(timezone.utc).isoformat(timespec="seconds")).sign(key)
        where = publish(checkpoint, to)
        with engine.begin() as conn:
            conn.execute(insert(audit_checkpoints).values(
                seq=checkpoint.seq, head=checkpoint.head, time=checkpoint.time, key_id=checkpoint.key_id,
                signature=checkpoint.signature, published=", ".join(where)))
        return checkpoint


def last_checkpoint(engine: Engine) -> tuple[int, str] | None:
    """(seq, time) of the newest checkpoint vigil made on this database, for scheduling."""
    audit.ensure_tables(engine)
    with engine.connect() as conn:
        row = conn.execute(select(audit_checkpoints.c.seq, audit_checkpoints.c.time)
                           .order_by(audit_checkpoints.c.id.desc()).limit(1)).first()
    return (row.seq, row.time) if row else None


def due(engine: Engine, rows: int, minutes: float, now: datetime | None = None) -> bool:
    """Whether rows were added since the last checkpoint and either trigger (rows, minutes) is reached."""
    if rows <= 0 and minutes <= 0:
        return False
    audit.ensure_tables(engine)
    seq, _ = _head(engine)
    last = last_checkpoint(engine)
    if last is None:
        with engine.connect() as conn:
            first = conn.execute(select(audit.audit_log.c.time).where(audit.audit_log.c.seq == 1)).scalar()
        last = (0, first or "")
    added = seq - last[0]
    if added <= 0:
        return False
    if rows > 0 and added >= rows:
        return True
    if minutes > 0 and last[1]:
        try:
            then = datetime.fromisoformat(last[1].replace("Z", "+00:00"))
        except ValueError:
            return True
        if then.tzinfo is None:
            then = then.replace(tzinfo=timezone.utc)
        return (now or datetime.now(timezone.utc)) - then >= timedelta(minutes=minutes)
    return False


def maybe_checkpoint(engine: Engine, settings: Any) -> Checkpoint | None:
    """The automatic checkpoint: made and published when due (settings' rows/minutes), else None.
    Errors are the caller's to report (CheckpointError); nothing else is raised for a due check."""
    if not due(engine, settings.audit_checkpoint_rows, settings.audit_checkpoint_minutes):
        return None
    return make_checkpoint(engine, settings.audit_key_path, Destinations.from_settings(settings), full=False)


def start_checkpointer(engine: Engine, settings: Any, stop: threading.Event, every: float = 60.0) -> threading.Thread | None:
    """A daemon thread of the server that publishes checkpoints when due (checked every `every` seconds)."""
    if settings.audit_checkpoint_rows <= 0 and settings.audit_checkpoint_minutes <= 0:
        return None

    def run() -> None:
        while not stop.wait(every):
            try:
                made = maybe_checkpoint(engine, settings)
                if made is not None:
                    log.info("audit checkpoint published: %d rows, head %s", made.seq, made.head[:12])
            except Exception:  # keep serving; the next round tries again
                log.exception("audit checkpoint failed")

    thread = threading.Thread(target=run, name="vigil-audit-checkpoints", daemon=True)
    thread.start()
    return thread


# -- verification -------------------------------------------------------------------------------

@dataclass
class CheckpointCheck:
    source: str  # file (and line) it came from
    seq: int
    time: str
    ok: bool
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        what = f"checkpoint of {self.seq} rows ({self.time}, {self.source})"
        return f"{what}: log contains it unchanged" if self.ok else f"{what}: {self.reason}"


def verify_checkpoints(engine: Engine, checkpoints: Iterable[tuple[str, Checkpoint]],
                       public: Ed25519PublicKey) -> list[CheckpointCheck]:
    """For each (source, checkpoint): signed by `public`, and the log's row `seq` still has hash `head`
    (which, the chain being intact, proves rows 1..seq unchanged)."""
    audit.ensure_tables(engine)
    ours = key_id(public)
    out = []
    with engine.connect() as conn:
        count = conn.execute(select(audit.audit_log.c.seq).order_by(audit.audit_log.c.seq.desc()).limit(1)).scalar() or 0
        for source, cp in checkpoints:
            fail = None
            if cp.key_id != ours:
                fail = f"signed by another key ({cp.key_id}, expected {ours}): not a checkpoint of this key"
            elif not cp.signed_by(public):
                fail = "signature invalid: the checkpoint was altered or forged"
            elif cp.seq == 0:
                fail = None if cp.head == audit.GENESIS else "an empty log must have the genesis head"
            else:
                at = conn.execute(select(audit.audit_log.c.hash).where(audit.audit_log.c.seq == cp.seq)).scalar()
                if at is None:
                    fail = (f"the log has {count} rows, the checkpoint {cp.seq}: rows were removed from the end "
                            f"(tail truncated{', head rewritten' if count else ''})")
                elif at != cp.head:
                    fail = (f"row {cp.seq}'s hash is {at[:12]}…, the checkpoint signed {cp.head[:12]}…: rows up to "
                            f"{cp.seq} were rewritten (edited and re-chained, or removed and forged)")
            out.append(CheckpointCheck(source, cp.seq, cp.time, fail is None, fail))
    return out


__all__ = ["Checkpoint", "CheckpointError", "CheckpointCheck", "Destinations", "load_or_create_key",
           "load_public_key", "key_id", "public_path", "read_checkpoints", "make_checkpoint", "maybe_checkpoint",
           "publish", "due", "last_checkpoint", "start_checkpointer", "verify_checkpoints", "audit_checkpoints"]
