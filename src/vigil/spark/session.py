"""Starting Spark for vigil: the checks made before any work, and a quiet session.

Every check fails with a `SparkError` (one line, exit 2 on the CLI) naming the fix: pyspark missing
(`pip install -e ".[spark]"`), no Java runtime (pyspark needs Java 17 or later), a master URL that is
not one, or a standalone / Kubernetes master that does not answer on its port.
"""
from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vigil.spark import INSTALL_HINT, SparkError

LOG_CONFIG = Path(__file__).with_name("log4j2.properties")
CONNECT_TIMEOUT = 5.0  # seconds to wait for a standalone / Kubernetes master's port
_LOCAL = re.compile(r"^local(\[(\*|[1-9][0-9]*)(,[0-9]+)?\])?$")


def check_pyspark() -> str:
    """pyspark's version; SparkError with the install hint when the extra is missing."""
    try:
        import pyspark
    except ImportError:
        raise SparkError(f"pyspark is not installed: {INSTALL_HINT}") from None
    try:  # pandas and pyarrow run the vectorised scoring (mapInPandas)
        import pandas  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError as exc:
        raise SparkError(f"{exc.name} is not installed (the Spark engine needs pandas and pyarrow): "
                         f"{INSTALL_HINT}") from None
    return pyspark.__version__


def check_java(minimum: int = 17) -> str:
    """The Java runtime pyspark will start (`$JAVA_HOME/bin/java`, else `java` on the PATH): its version line.
    Spark 4 needs Java 17 or later (Spark 3.5: 8, 11 or 17)."""
    # The shell expands JAVA_HOME exactly as Spark's launcher does (vigil reads no environment here).
    try:
        proc = subprocess.run(["sh", "-c", 'exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -version'],
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SparkError(f"cannot run Java ({exc}); Spark needs a Java runtime (17 or later)") from None
    if proc.returncode != 0:
        raise SparkError("no Java runtime found (Spark needs Java 17 or later: install e.g. openjdk-17-jre-headless, "
                         "or set JAVA_HOME)")
    first = (proc.stderr or proc.stdout).strip().splitlines()
    version = first[0] if first else "java"
    found = re.search(r'version "(\d+)(?:\.(\d+))?', version)
    if found:
        major = int(found.group(1))
        major = int(found.group(2) or 0) if major == 1 else major
        if major < minimum:
            raise SparkError(f"Java {major} found ({version}); this Spark needs Java {minimum} or later (set JAVA_HOME)")
    return version


def is_local(master: str) -> bool:
    return master.startswith("local")


def check_master(master: str) -> None:
    """A master URL Spark knows; standalone (spark://) and Kubernetes (k8s://) masters must answer on their port."""
    if _LOCAL.match(master) or master == "yarn":
        return
    if master.startswith("local"):
        raise SparkError(f"bad master {master!r}: use local, local[N] or local[*]")
    if master.startswith("spark://"):
        hosts = master[len("spark://"):].split(",")
        targets = []
        for host in hosts:
            name, _, port = host.partition(":")
            targets.append((name, int(port) if port.isdigit() else 7077))
    elif master.startswith("k8s://"):
        url = urlsplit(master[len("k8s://"):] if "://" in master[6:] else "https://" + master[6:])
        targets = [(url.hostname or "", url.port or (443 if url.scheme == "https" else 80))]
    else:
        raise SparkError(f"unknown master {master!r}: use local[*], local[N], spark://HOST:PORT, yarn or k8s://URL")
    errors = []
    for host, port in targets:
        try:
            with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT):
                return
        except OSError as exc:
            errors.append(f"{host}:{port} ({exc.strerror or exc})")
    raise SparkError(f"Spark master {master} unreachable: {', '.join(errors)}")


def check(master: str) -> None:
    """Everything that can be checked before a session starts."""
    version = check_pyspark()
    check_master(master)
    check_java(17 if int(version.split(".")[0]) >= 4 else 8)


def quiet_warnings() -> None:
    """pyspark's FutureWarning about pandas versions is not the user's concern on every run."""
    warnings.filterwarnings("ignore", message=".*PySpark does not yet fully support.*")
    warnings.filterwarnings("ignore", category=FutureWarning, module="pyspark")


def start(master: str = "local[*]", *, app_name: str = "vigil", partitions: int | None = None,
          executor_env: dict[str, str] | None = None, log_file: Path | None = None) -> Any:
    """A SparkSession on `master` (the active one when it already runs there: tests, notebooks).

    With `log_file`, the Java process Spark starts writes its stderr there (JVM start-up notices, Spark's
    own log lines): the terminal shows vigil's progress and one-line errors only."""
    check(master)
    quiet_warnings()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        if active.sparkContext.master == master:
            return active
        active.stop()
    log_opt = f"-Dlog4j2.configurationFile={LOG_CONFIG.as_uri()}"
    builder = (SparkSession.builder.master(master).appName(app_name)
               .config("spark.ui.showConsoleProgress", "false")  # vigil draws its own progress
               .config("spark.driver.extraJavaOptions", log_opt)
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .config("spark.python.worker.reuse", "true")  # the index stays loaded between tasks
               .config("spark.sql.adaptive.coalescePartitions.enabled", "false"))  # keep our partitions
    if is_local(master):
        # The workers must run this interpreter (the one vigil is installed in), not `python3` on the PATH;
        # PySpark takes the workers' interpreter from PYSPARK_PYTHON only (written for it, never read here).
        os.environ["PYSPARK_PYTHON"] = sys.executable
        builder = (builder.config("spark.ui.enabled", "false")
                   .config("spark.executor.extraJavaOptions", log_opt)
                   .config("spark.pyspark.python", sys.executable)
                   .config("spark.pyspark.driver.python", sys.executable))
    if partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(partitions))
    for name, value in (executor_env or {}).items():
        builder = builder.config(f"spark.executorEnv.{name}", value)
    try:
        with _stderr_to(log_file):
            session = builder.getOrCreate()
    except Exception as exc:  # py4j / pyspark raise many kinds; the first line says what
        text = " ".join(str(exc).split())
        if "JAVA_GATEWAY_EXITED" in text or "Java gateway" in text:
            raise SparkError("Java could not start Spark (JAVA_GATEWAY_EXITED); check `java -version` "
                             "(17 or later) and JAVA_HOME") from None
        where = f" (log: {log_file})" if log_file else ""
        raise SparkError(f"Spark could not start on {master}: {text[:300]}{where}") from None
    session.sparkContext.setLogLevel("ERROR")
    return session


@contextlib.contextmanager
def _stderr_to(log_file: Path | None):
    """File descriptor 2 points at `log_file` while the JVM starts, so the JVM keeps writing there."""
    if log_file is None:
        yield
        return
    log_file.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(log_file, "ab") as fh:
            os.dup2(fh.fileno(), 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
