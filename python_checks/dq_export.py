"""Reading the export folder before dbt does: is every file a CSV (or Parquet) file, in the
declared encoding and delimiter, with a usable header? Each problem becomes one sentence that
names the file and says what to set (docs/data_quality.md, "German exports").

Used by the dbt Python model `export_files` (every reader of the export waits for it) and by
`b2b_sales_kpis.build` (make build), which converts a non-UTF-8 export to UTF-8 first.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import asdict, dataclass
from pathlib import Path

from dq_rules import TABLES

CONFIG_TABLES = ("funnel_stage_mapping",)
CONFIG_COLUMNS = {"funnel_stage_mapping": ("crm_stage", "funnel_stage")}
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}
# what DuckDB's read_csv decodes itself; anything else is converted by make build
DUCKDB_ENCODINGS = {"utf-8", "utf8", "utf-8-sig", "utf-16", "latin-1", "latin1"}
SIGNATURES = {
    b"PK\x03\x04": "a ZIP archive or an Excel .xlsx workbook",
    b"\xd0\xcf\x11\xe0": "an Excel .xls workbook",
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "a gzip archive",
    b"PAR1": "a Parquet file (name it .parquet)",
}
SAMPLE_BYTES = 1 << 16


@dataclass
class ExportFile:
    table_name: str
    file_name: str | None
    file_format: str | None
    size_bytes: int | None
    encoding: str | None
    delimiter: str | None
    header: str | None
    problem: str | None


def contract_columns(table: str) -> tuple[str, ...]:
    if table in CONFIG_COLUMNS:
        return CONFIG_COLUMNS[table]
    return tuple(c.name for c in next(t for t in TABLES if t.name == table).columns)


def find_file(data_dir: Path, table: str) -> list[Path]:
    names = {f"{table}.csv", f"{table}.parquet"}
    return sorted(p for p in data_dir.iterdir() if p.is_file() and p.name.lower() in names)


def settings_hint(setting: str, value: str) -> str:
    env = {"csv_delimiter": "CSV_DELIMITER", "csv_encoding": "CSV_ENCODING",
           "csv_decimal_separator": "CSV_DECIMAL"}[setting]
    return (f"set {setting}: {value!r} (dbt --vars) or {env}={value!r} for make build")


def _binary_kind(head: bytes) -> str | None:
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary data"
    return None


def _decode_problem(path: Path, encoding: str) -> str | None:
    """None when the whole file decodes in the declared encoding, else a sentence."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line, offset = 1, 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                bad = chunk[err.start : err.start + 1]
                line += chunk[: err.start].count(b"\n")
                guess = ""
                try:
                    chunk.decode("cp1252")
                    guess = (f"; it reads as Windows-1252 ({bad.decode('cp1252')!r}): "
                             + settings_hint("csv_encoding", "cp1252"))
                except UnicodeDecodeError:
                    pass
                return (f"{path.name} is not {encoding} (byte 0x{bad.hex().upper()} on line "
                        f"{line}){guess or '; set csv_encoding to its encoding'}")
            line += chunk.count(b"\n")
            offset += len(chunk)
    return None


def _header(text: str, delimiter: str) -> list[str]:
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    row = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])
    return [name.strip().lower() for name in row]


def inspect_file(path: Path, table: str, delimiter: str, encoding: str) -> ExportFile:
    size = path.stat().st_size
    info = ExportFile(table, path.name, "parquet" if path.suffix.lower() == ".parquet" else "csv",
                      size, None, None, None, None)
    if info.file_format == "parquet":
        return info
    info.encoding, info.delimiter = encoding, delimiter
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    if not head.strip():
        info.problem = (f"{path.name} is empty: not even a header line (expected "
                        f"{', '.join(contract_columns(table))})")
        return info
    kind = _binary_kind(head)
    if kind:
        info.problem = (f"{path.name} is not a CSV file: it looks like {kind}. Export the "
                        f"table as CSV text (or Parquet) with a header line")
        return info
    problem = _decode_problem(path, encoding)
    if problem:
        info.problem = problem
        return info
    text = head.decode(encoding, errors="ignore")
    expected = contract_columns(table)
    header = _header(text, delimiter)
    info.header = delimiter.join(header)
    if not set(expected) & set(header):
        for other in DELIMITERS:
            if other != delimiter and set(expected) & set(_header(text, other)):
                info.problem = (
                    f"{path.name} is separated by {DELIMITER_NAMES[other]}, but csv_delimiter "
                    f"is {DELIMITER_NAMES.get(delimiter, repr(delimiter))}: "
                    + settings_hint("csv_delimiter", other)
                    + ("" if other != ";" else
                       " (German exports also write decimal commas: csv_decimal_separator ',')")
                )
                return info
        first_line = text.lstrip("\ufeff").splitlines()[0][:80]
        info.problem = (f"{path.name} does not start with a header line of {table} columns: "
                        f"its first line is {first_line!r}; expected {', '.join(expected)}")
        return info
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        info.problem = (f"{path.name} has the column(s) {', '.join(repeated)} more than once in "
                        "its header: keep one column per name")
        return info
    missing = [name for name in expected if name not in header]
    if missing:
        info.problem = (f"{path.name} lacks the required column(s) {', '.join(missing)}; "
                        f"found: {', '.join(header)}")
    return info


def inspect_export(
    data_dir: str | None, delimiter: str = ",", encoding: str = "utf-8"
) -> list[ExportFile]:
    """One ExportFile per contract table (and the stage mapping); problem says what is wrong."""
    tables = [t.name for t in TABLES] + list(CONFIG_TABLES)
    if not data_dir:
        return [ExportFile(t, None, "demo seed", None, None, None, None, None) for t in tables]
    folder = Path(data_dir)
    if not folder.is_dir():
        return [ExportFile("*", None, None, None, None, None, None,
                           f"data_dir {data_dir} is not a folder")]
    encoding = encoding.lower()
    try:
        codecs.lookup(encoding)
    except LookupError:
        return [ExportFile("*", None, None, None, None, None, None,
                           f"csv_encoding {encoding!r} is not an encoding Python knows "
                           "(e.g. utf-8, cp1252, latin-1)")]
    out = []
    for table in tables:
        files = find_file(folder, table)
        if not files:
            out.append(ExportFile(table, None, None, None, None, None, None, None))
            continue
        if len(files) > 1:
            out.append(ExportFile(table, ", ".join(p.name for p in files), None, None, None,
                                  None, None, f"table {table} is in {data_dir} twice "
                                  f"({', '.join(p.name for p in files)}): keep one file per table"))
            continue
        info = inspect_file(files[0], table, delimiter, encoding)
        if (info.file_format == "csv" and not info.problem
                and encoding not in DUCKDB_ENCODINGS):
            info.problem = (f"{files[0].name} is {encoding}, which dbt's DuckDB does not read: "
                            f"build with `make build CSV_ENCODING={encoding}` (python -m "
                            "b2b_sales_kpis.build --csv-encoding ...), which hands dbt a UTF-8 "
                            "copy in target/export_utf8/")
        out.append(info)
    return out


def as_records(files: list[ExportFile]) -> list[dict]:
    return [asdict(f) for f in files]


def problems(files: list[ExportFile]) -> list[str]:
    return [f"table {f.table_name}: {f.problem}" for f in files if f.problem]
