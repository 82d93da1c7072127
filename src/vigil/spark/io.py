"""Input and output files of Spark batch runs, on any Hadoop-compatible path (local, file://, hdfs://, s3a://).

Input: CSV/TSV (encoding and delimiter detected by `vigil.service.tabular`, the rules of single-process
batch), Parquet, JSON lines. Spark reads them under positional column names (`c0`, `c1`, ...), so a header
with spaces, dots or non-Latin letters needs no quoting; the real names come back at the output.
Output: Parquet (typed result columns) or CSV (text, as single-process batch writes it), a folder of
part files in input order, as Spark writes.
"""
from __future__ import annotations

import codecs
import csv
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vigil.spark import SparkError

INPUT_FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet",
                 ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
OUTPUT_FORMATS = {".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet"}
SAMPLE = 1 << 20  # bytes read on the driver to detect a CSV file's encoding and delimiter
EXTRA = 8  # spare CSV columns: a row with more fields than the header is reported, as single-process does
NULL = "\x00vigil-null\x00"  # Spark's CSV null marker, never in a decoded file: missing fields only
JAVA_CHARSETS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-16-le": "UTF-16LE",
                 "utf-16-be": "UTF-16BE", "utf-32": "UTF-32", "utf-32-le": "UTF-32LE", "utf-32-be": "UTF-32BE",
                 "ascii": "US-ASCII", "latin-1": "ISO-8859-1", "iso8859-1": "ISO-8859-1"}


@dataclass
class Input:
    path: str
    format: str  # csv | parquet | jsonl
    headers: list[str]
    delimiter: str = ","
    encoding: str | None = None  # Python codec name (CSV)
    multiline: bool = False  # quoted fields span lines: Spark must read the file whole
    types: list[str] = field(default_factory=list)  # Parquet column types, for the messages


# -- Hadoop file system access from the driver (through the JVM Spark already runs) -------------------

def _hadoop(spark: Any, path: str) -> tuple[Any, Any]:
    jvm = spark.sparkContext._jvm
    p = jvm.org.apache.hadoop.fs.Path(path)
    try:
        fs = p.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    except Exception as exc:
        raise SparkError(f"{path}: no file system for this path ({_java_message(exc)})") from None
    return fs, p


def _java_message(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    for marker in ("Exception: ", "Error: "):
        if marker in text:
            text = text.split(marker, 1)[1]
    return text[:200]


def data_files(spark: Any, path: str) -> list[Any]:
    """The data files of `path` (a file, a folder of part files, or a glob), in name order."""
    fs, p = _hadoop(spark, path)
    try:
        statuses = fs.globStatus(p)
    except Exception as exc:
        raise SparkError(f"{path}: cannot read ({_java_message(exc)})") from None
    if not statuses:
        raise SparkError(f"{path}: no such file")
    files = []
    for st in statuses:
        if st.isDirectory():
            for child in fs.listStatus(st.getPath()):
                name = child.getPath().getName()
                if child.isFile() and not name.startswith(("_", ".")):
                    files.append(child.getPath())
        else:
            files.append(st.getPath())
    if not files:
        raise SparkError(f"{path}: the folder holds no data files")
    return sorted(files, key=lambda f: f.toString())


def read_head(spark: Any, file: Any, size: int = SAMPLE) -> bytes:
    fs = file.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    stream = fs.open(file)
    try:
        return bytes(stream.readNBytes(size))
    finally:
        stream.close()


def exists(spark: Any, path: str) -> bool:
    fs, p = _hadoop(spark, path)
    return bool(fs.exists(p))


def local_path(path: str) -> Path | None:
    """The local file a path names (no scheme, or file://), else None."""
    if "://" not in path:
        return Path(path)
    if path.startswith("file://"):
        return Path(path[len("file://"):])
    return None


# -- input ---------------------------------------------------------------------------------------------

def input_format(spark: Any, path: str, files: list[Any]) -> str:
    for name in (path.rstrip("/"), files[0].getName()):
        fmt = INPUT_FORMATS.get(Path(name).suffix.lower())
        if fmt:
            return fmt
    raise SparkError(f"{path}: unsupported input type; use .csv, .tsv, .parquet or .jsonl")


def open_input(spark: Any, path: str) -> Input:
    """What the input is and its columns, read from the first data file (checks before any work starts)."""
    from vigil.service.tabular import TabularError, read_csv

    files = data_files(spark, path)
    fmt = input_format(spark, path, files)
    if fmt == "parquet":
        try:
            schema = spark.read.parquet(path).schema
        except Exception as exc:
            raise SparkError(f"{path}: not readable as Parquet ({_java_message(exc)})") from None
        return Input(path, fmt, [f.name for f in schema.fields], types=[f.dataType.simpleString() for f in schema])
    head = read_head(spark, files[0])
    if fmt == "jsonl":
        return _jsonl_input(path, head)
    local = local_path(files[0].toUri().toString()) if len(files) == 1 else None
    try:
        if local is not None and local.is_file():
            table = read_csv(local)  # exactly single-process batch's reading of the whole file
        else:
            table = _sniff_csv(head)
        sample_rows = list(_first_rows(table, 200))
    except TabularError as exc:
        raise SparkError(str(exc).replace(str(local or "sample"), path)) from None
    if table.encoding in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"):
        multiline = True  # Spark splits lines on the byte 0x0A: wide encodings are read whole
    elif local is not None and local.is_file():
        multiline = quoted_line_breaks(local)
    else:  # a remote file: judged from its first bytes
        multiline = any("\n" in v or "\r" in v for row in sample_rows for v in row.values() if isinstance(v, str))
    return Input(path, "csv", table.headers, delimiter=table.delimiter, encoding=table.encoding, multiline=multiline)


def quoted_line_breaks(path: Path) -> bool:
    """Whether a quoted field spans lines anywhere in the file: a line with an odd number of quote
    characters (RFC 4180's doubled quotes keep the count even). Then Spark must read the file whole
    (`multiLine`, one task) instead of in splits; otherwise it would cut such rows in two."""
    carry = b""
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            data = carry + chunk
            cut = data.rfind(b"\n")
            if cut < 0:
                carry = data
                continue
            body, carry = data[: cut + 1], data[cut + 1:]
            if b'"' in body and any(line.count(b'"') & 1 for line in body.split(b"\n")):
                return True
    return bool(carry.count(b'"') & 1)


def _first_rows(table: Any, n: int):
    for i, (_, row) in enumerate(table.rows):
        if i >= n:
            break
        yield row
    table.rows.close()


def _sniff_csv(head: bytes) -> Any:
    """Encoding and delimiter of a remote CSV file, from its first bytes (cut at the last line end)."""
    from vigil.service.tabular import read_csv

    cut = head.rfind(b"\n")
    sample = head[: cut + 1] if 0 <= cut < len(head) - 1 else head
    with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as fh:
        fh.write(sample)
    try:
        table = read_csv(Path(fh.name))
        rows = list(_first_rows(table, 200))
        table.rows = iter(rows)
        return table
    finally:
        Path(fh.name).unlink(missing_ok=True)


def _jsonl_input(path: str, head: bytes) -> Input:
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SparkError(f"{path}: JSON lines must be UTF-8 text on Spark; save it as UTF-8")
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            obj = None
        if not isinstance(obj, dict):
            raise SparkError(f"{path}: the first line must be a JSON object")
        break
    else:
        raise SparkError(f"{path}: the first line must be a JSON object")
    return Input(path, "jsonl", [])  # the columns are every key of every line: read by a Spark job


def java_charset(spark: Any, encoding: str | None) -> str:
    name = codecs.lookup(encoding or "utf-8").name
    java = JAVA_CHARSETS.get(name)
    if java is None:
        java = "windows-" + name[2:] if name.startswith("cp125") else name
    jvm = spark.sparkContext._jvm
    try:
        ok = jvm.java.nio.charset.Charset.isSupported(java)
    except Exception:
        ok = False
    if not ok:
        raise SparkError(f"the input's encoding ({encoding}) is not one Java reads; save it as UTF-8")
    return java


def read(spark: Any, inp: Input) -> Any:
    """A DataFrame of the input's rows under positional names, plus `__row` (increasing in file order)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    if inp.format == "csv":
        names = [f"c{i}" for i in range(len(inp.headers) + EXTRA)]
        schema = StructType([StructField(n, StringType()) for n in names])
        df = (spark.read.schema(schema)
              .option("header", "true").option("enforceSchema", "true")
              .option("sep", inp.delimiter).option("encoding", java_charset(spark, inp.encoding))
              .option("quote", '"').option("escape", '"').option("multiLine", str(inp.multiline).lower())
              .option("nullValue", NULL).option("emptyValue", "").option("mode", "PERMISSIVE")
              .option("ignoreLeadingWhiteSpace", "false").option("ignoreTrailingWhiteSpace", "false")
              .csv(inp.path))
    elif inp.format == "jsonl":
        df = spark.read.text(inp.path).withColumnRenamed("value", "c0")
    else:
        df = spark.read.parquet(inp.path)
        cols = []
        for i, f in enumerate(df.schema.fields):
            simple = f.dataType.typeName() in ("string", "integer", "long", "short", "byte", "double", "float",
                                               "boolean", "decimal", "date", "timestamp", "timestamp_ntz")
            value = F.col(f"`{f.name}`")
            cols.append((value.cast("string") if simple else F.to_json(value)).alias(f"c{i}"))
        df = df.select(*cols)
    return df.withColumn("__row", F.monotonically_increasing_id())


def jsonl_headers(spark: Any, df: Any) -> list[str]:
    """Every key of every JSON object, in the order first seen (single-process batch's columns)."""
    def keys(batches):
        import pandas as pd

        for pdf in batches:
            seen: dict[str, None] = {}
            for line in pdf["c0"]:
                if not isinstance(line, str) or not line.strip():
                    continue
                try:
                    obj = json.loads(line.lstrip("\ufeff"))
                except json.JSONDecodeError:
                    continue
                if isinstance(obj, dict):
                    seen.update(dict.fromkeys(str(k) for k in obj))
            yield pd.DataFrame({"first": [int(pdf["__row"].iloc[0]) if len(pdf) else 0],
                                "keys": [json.dumps(list(seen))]})

    parts = df.select("c0", "__row").mapInPandas(keys, "first long, keys string").collect()
    out: dict[str, None] = {}
    for part in sorted(parts, key=lambda r: r["first"]):
        out.update(dict.fromkeys(json.loads(part["keys"])))
    if not out:
        raise SparkError("the input holds no JSON objects")
    return list(out)


# -- rows (on the executors) ---------------------------------------------------------------------------

def decode_row(fmt: str, headers: list[str], values: list[Any]) -> dict[str, Any] | None:
    """One input row as single-process batch's readers give it (None: a blank row, skipped)."""
    if fmt == "jsonl":
        line = values[0]
        if not isinstance(line, str) or not line.strip():
            return None
        line = line.lstrip("\ufeff")
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            return {"__error__": f"invalid JSON ({exc.msg})", "__raw__": line.rstrip("\n")}
        if not isinstance(obj, dict):
            return {"__error__": "not a JSON object", "__raw__": line.rstrip("\n")}
        return obj
    if fmt == "csv":
        present = [v if isinstance(v, str) else None for v in values]
        width = len(headers)
        while len(present) > width and present[-1] is None:
            present.pop()
        fields = [v if v is not None else "" for v in present]
        if not any(v.strip() for v in fields):
            return None
        row: dict[str, Any] = {h: fields[i] if i < len(fields) else "" for i, h in enumerate(headers)}
        if len(fields) > width:
            row["__error__"] = f"{len(fields)} fields, the header has {width}"
        return row
    return {h: (v if isinstance(v, str) else None) for h, v in zip(headers, values)}


def csv_cell(value: Any) -> str:
    """A cell as single-process batch's CSV writer writes it."""
    from vigil.service.batch import csv_value

    if value is None:
        return ""
    value = csv_value(value)
    return value if isinstance(value, str) else str(value)


def text_cell(value: Any) -> str | None:
    """An input cell carried to Parquet output: text, None kept."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return csv_cell(value)


# -- output --------------------------------------------------------------------------------------------

def output_format(path: str) -> str:
    fmt = OUTPUT_FORMATS.get(Path(path.rstrip("/")).suffix.lower())
    if fmt is None:
        raise SparkError(f"{path}: unsupported output type; use .parquet or .csv (Spark writes a folder of part files)")
    return fmt


def check_output(spark: Any, inp: Input, out: str) -> None:
    local = local_path(out)
    src = local_path(inp.path)
    if local is not None:
        if src is not None and local.resolve() == src.resolve():
            raise SparkError("the output must not overwrite the input")
        parent = local.resolve().parent
        if not parent.is_dir():
            raise SparkError(f"cannot write {out}: the folder {parent} does not exist")
        if local.is_file():
            raise SparkError(f"{out} is a file; Spark writes a folder of part files there (remove it first)")
    elif out.rstrip("/") == inp.path.rstrip("/"):
        raise SparkError("the output must not overwrite the input")


def write(df: Any, fmt: str, out: str, delimiter: str = ",") -> None:
    writer = df.write.mode("overwrite")
    if fmt == "parquet":
        writer.parquet(out)
        return
    (writer.option("header", "true").option("sep", delimiter).option("quote", '"').option("escape", '"')
     .option("nullValue", "").option("emptyValue", "").option("encoding", "UTF-8")
     .option("ignoreLeadingWhiteSpace", "false").option("ignoreTrailingWhiteSpace", "false")
     .csv(out))


def read_output_rows(path: str | Path) -> list[dict[str, str]]:
    """A CSV output folder (or single-process batch's CSV file) as rows of text, in order (tests, tools)."""
    from vigil.service.tabular import sniff_delimiter

    path = Path(path)
    files = sorted(p for p in path.glob("part-*") if p.is_file()) if path.is_dir() else [path]
    rows: list[dict[str, str]] = []
    for file in files:
        with open(file, newline="", encoding="utf-8") as fh:
            first = fh.read(1)
            if not first:
                continue
            fh.seek(0)
            delimiter = sniff_delimiter(fh.read(64 * 1024))
            fh.seek(0)
            rows.extend(csv.DictReader(fh, delimiter=delimiter))
    return rows

