"""Reading a file row by row without holding it: CSV (UTF-8 with or without BOM, else Windows-1257;
`;`, `,` or tab, sniffed from the header) or XLSX (openpyxl, read-only, first sheet)."""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

CHUNK = 1 << 20
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"


class FileProblem(ValueError):
    """The file as a whole cannot be read; code and params name the reason (messages.py)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Sheet:
    """A file opened for reading: how it was read, its header, and its rows numbered as a spreadsheet does."""

    encoding: str
    sha256: str
    size: int
    header_row: int
    headers: list[str]
    rows: Iterator[tuple[int, list]]
    #: how far reading has come, in the unit of `total` (bytes for CSV, rows for XLSX)
    position: Callable[[], int]
    total: int
    #: the column separator of a CSV file (None for XLSX)
    delimiter: str | None = None


def size_of(stream: IO[bytes]) -> int:
    """The size of a seekable binary stream, without reading it."""
    here = stream.tell()
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(here)
    return size


def _scan(stream: IO[bytes]) -> tuple[str, bool, bytes]:
    """One pass over the bytes: SHA-256, whether they are valid UTF-8, and the first chunk."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    first = b""
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        if not first:
            first = chunk
        digest.update(chunk)
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    stream.seek(0)
    return digest.hexdigest(), utf8, first


def _looks_binary(first: bytes) -> bool:
    """UTF-16 text, or bytes no text file has."""
    return first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in first[:4096]


def open_sheet(stream: IO[bytes]) -> Sheet:
    """Open a seekable binary stream as a sheet of rows, or raise FileProblem."""
    size = size_of(stream)
    sha256, utf8, first = _scan(stream)
    if not first.strip(b" \t\r\n\xef\xbb\xbf"):
        raise FileProblem("empty")
    if first.startswith(XLS_MAGIC):
        raise FileProblem("old_excel")
    if first.startswith(XLSX_MAGIC):
        return _open_xlsx(stream, sha256, size)
    if _looks_binary(first):
        raise FileProblem("encoding")
    if utf8:
        encoding = "utf-8-sig" if first.startswith(codecs.BOM_UTF8) else "utf-8"
    else:
        encoding = "cp1257"
        try:  # Windows-1257 leaves a few bytes undefined: such a file is no Windows-1257 text
            _check_cp1257(stream)
        except UnicodeDecodeError:
            raise FileProblem("encoding") from None
    return _open_csv(stream, encoding, sha256, size)


def _check_cp1257(stream: IO[bytes]) -> None:
    decoder = codecs.getincrementaldecoder("cp1257")()
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        decoder.decode(chunk)
    stream.seek(0)


def _delimiter(header_line: str) -> str:
    """`;`, `,` or tab: whichever the header row has most of (`;` on a tie, as Latvian Excel writes)."""
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts.values())
    if best == 0:
        return ";"
    return next(d for d in (";", ",", "\t") if counts[d] == best)


def _blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _open_csv(stream: IO[bytes], encoding: str, sha256: str, size: int) -> Sheet:
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    lines = iter(text)
    number = 0
    header_line = ""
    for line in lines:
        number += 1
        if line.strip():
            header_line = line
            break
    delimiter = _delimiter(header_line)
    headers = next(csv.reader([header_line], delimiter=delimiter))
    header_row = number
    reader = csv.reader(lines, delimiter=delimiter)

    def rows():
        for offset, cells in enumerate(reader, start=1):
            if "".join(cells).strip():  # every cell of a CSV row is text: blank unless something shows
                yield header_row + offset, cells

    return Sheet(encoding=encoding, sha256=sha256, size=size, header_row=header_row,
                 headers=[h.strip() for h in headers], rows=rows(),
                 position=lambda: stream.tell() if not stream.closed else size, total=size, delimiter=delimiter)


def _open_xlsx(stream: IO[bytes], sha256: str, size: int) -> Sheet:
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        total = sheet.max_row or 0
        values = sheet.iter_rows(values_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError):
        raise FileProblem("bad_xlsx") from None
    counter = {"row": 0}
    header_row, headers = 0, None
    for cells in values:
        counter["row"] += 1
        if not _blank(cells):
            header_row, headers = counter["row"], ["" if c is None else str(c).strip() for c in cells]
            break
    if headers is None:
        raise FileProblem("empty")
    while headers and not headers[-1]:
        headers.pop()

    def rows():
        for cells in values:
            counter["row"] += 1
            if not _blank(cells):
                yield counter["row"], list(cells)
        book.close()

    return Sheet(encoding="xlsx", sha256=sha256, size=size, header_row=header_row, headers=headers,
                 rows=rows(), position=lambda: counter["row"], total=total)
