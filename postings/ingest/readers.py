"""Stream posting rows out of CSV and JSON Lines files, one at a time, never the whole file in memory.

Each reader yields ``(row number, fields)`` or ``(row number, RowError)`` for a row it cannot read;
a file it cannot read at all (no header, missing columns) raises ``ImportFileError`` before any row.
"""

import codecs
import csv
import io
import json
from collections.abc import Iterator
from typing import IO, Any

from .rows import FIELDS, REQUIRED_FIELDS, RowError

FORMATS = ("csv", "jsonl")
MAX_LINE_BYTES = 1_000_000  # a posting is at most 100 KB of text; anything far larger is not one


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (wrong columns, unknown format, not text)."""


Row = tuple[int, dict[str, Any] | RowError]


def format_for(path: str, explicit: str | None = None) -> str:
    """The format named on the command line, or the one the file name says."""
    fmt = explicit or (
        "csv" if path.lower().endswith(".csv") else "jsonl" if path.lower().endswith((".jsonl", ".ndjson")) else ""
    )
    if fmt not in FORMATS:
        raise ImportFileError(f"Cannot tell the format of {path}: pass --format {' or --format '.join(FORMATS)}.")
    return fmt


def read_rows(stream: IO[bytes], fmt: str) -> Iterator[Row]:
    """The rows of a binary stream in the given format."""
    if fmt == "csv":
        return read_csv(stream)
    if fmt == "jsonl":
        return read_jsonl(stream)
    raise ImportFileError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")


def _not_utf8(values) -> bool:
    # surrogateescape turns undecodable bytes into lone surrogates U+DC80..U+DCFF.
    return any(isinstance(v, str) and any("\udc80" <= ch <= "\udcff" for ch in v) for v in values)


def read_csv(stream: IO[bytes]) -> Iterator[Row]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    csv.field_size_limit(MAX_LINE_BYTES)
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("The file is empty: expected a header row naming the columns.") from None
    except csv.Error as exc:
        raise ImportFileError(f"Line 1: cannot read the header ({exc}).") from None
    header = [name.strip() for name in header]
    if _not_utf8(header):
        raise ImportFileError("Line 1: the header is not UTF-8 text.")
    missing = [name for name in REQUIRED_FIELDS if name not in header]
    unknown = [name for name in header if name not in FIELDS]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if missing or unknown or duplicated:
        problems = []
        if missing:
            problems.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown column(s) {', '.join(n[:60] for n in unknown)}")
        if duplicated:
            problems.append(f"repeated column(s) {', '.join(duplicated)}")
        raise ImportFileError(f"Line 1: {'; '.join(problems)}. Columns are: {', '.join(FIELDS)}.")
    return _csv_rows(reader, header)


def _csv_rows(reader, header: list[str]) -> Iterator[Row]:
    number = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            number += 1
            yield number, RowError(number, "-", f"Line {reader.line_num}: cannot read this row ({exc}).")
            return  # the reader cannot find the next row reliably after this
        if not values or values == [""]:
            continue
        number += 1
        if len(values) != len(header):
            yield (
                number,
                RowError(number, "-", f"Line {reader.line_num}: {len(values)} values for {len(header)} columns."),
            )
        elif _not_utf8(values):
            yield number, RowError(number, "-", f"Line {reader.line_num}: not UTF-8 text.")
        else:
            yield number, dict(zip(header, values, strict=True))


def read_jsonl(stream: IO[bytes]) -> Iterator[Row]:
    decoder = codecs.getincrementaldecoder("utf-8")
    number = 0
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of the oversized line
                line = stream.readline(MAX_LINE_BYTES)
            yield number, RowError(number, "-", f"Line {number} is longer than {MAX_LINE_BYTES:,} bytes.")
            continue
        try:
            text = decoder().decode(line, final=True)
        except UnicodeDecodeError as exc:
            yield number, RowError(number, "-", f"Line {number} is not UTF-8 text (byte {exc.start + 1}).")
            continue
        if number == 1:
            text = text.removeprefix("\ufeff")
        if not text.strip():
            continue
        try:
            yield number, json.loads(text)
        except (ValueError, RecursionError) as exc:
            yield number, RowError(number, "-", f"Line {number} is not valid JSON ({str(exc)[:120]}).")
