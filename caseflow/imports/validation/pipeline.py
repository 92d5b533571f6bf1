"""The validation loop: map the header, read rows in chunks, let the kind's checker judge each chunk
(a constant number of statements per chunk, whatever its size), keep the counts."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from caseflow.imports.formats import Format, header_key
from caseflow.imports.reading import FileProblem, Sheet
from caseflow.imports.validation.context import Context, code_index
from caseflow.imports.values import ValueProblem, clean
from caseflow.pupils.personal_code import PersonalCodeError, parse

#: rows judged together: one look-up of pupils, one of existing records, one staging insert
CHUNK_ROWS = 2000
#: a memo has not read this text yet
UNSEEN = object()
_LOW64 = (1 << 64) - 1
#: a memo stops growing here (a column with more distinct values is read cell by cell)
_MEMO_LIMIT = 10_000
_FUTURE = _l("The birth date in the code is in the future.")


@dataclass(slots=True)
class Row:
    """One data row: its number in the spreadsheet, its cells by column key, what was read."""

    number: int
    cells: dict
    data: dict = field(default_factory=dict)
    bad: bool = False
    #: "new", "unchanged" or "changed" once judged
    outcome: str | None = None
    target_id: int | None = None


class Checker:
    """Judges a chunk of rows of one kind; subclasses add parsing, comparison and staging."""

    fmt: Format

    def __init__(self, ctx: Context, headers: dict[str, str]):
        self.ctx = ctx
        #: column key → the header as the file writes it (problems name that)
        self.headers = headers
        #: hash of a natural key → first row number << 64 | hash of its content, for the rows seen so far
        self.seen: dict[int, int] = {}
        #: a personal code as written → (code, blind index), or the problem code it raises
        self.codes: dict[str, tuple | str] = {}
        #: column → cell text → value or ValueProblem (take(memo=True))
        self.memo: dict[str, dict] = {}

    def fail(self, row: Row, key: str | None, code: str, **params) -> None:
        """Record a problem of a row's cell."""
        row.bad = True
        column = self.headers.get(key) if key else None
        if key and column is None:
            column = next(c.latvian for c in self.fmt.columns if c.key == key)
        self.ctx.problem(row.number, column, code, params)

    def take(self, row: Row, key: str, read: Callable, *, memo: bool = False) -> None:
        """Read one cell with `read`, keeping the value or the problem (memo: each distinct text once)."""
        raw = row.cells.get(key)
        if memo and raw.__class__ is str:
            seen = self.memo.get(key)
            if seen is None:
                seen = self.memo[key] = {}
            value = seen.get(raw, UNSEEN)
            if value is UNSEEN and len(seen) < _MEMO_LIMIT:
                try:
                    value = read(raw)
                except ValueProblem as problem:
                    value = problem
                seen[raw] = value
            if value is not UNSEEN:
                if isinstance(value, ValueProblem):
                    self.fail(row, key, value.code, **value.params)
                else:
                    row.data[key] = value
                return
        try:
            row.data[key] = read(raw)
        except ValueProblem as problem:
            self.fail(row, key, problem.code, **problem.params)

    def take_code(self, row: Row) -> None:
        """The personal code: valid by Latvian rules, then its blind index (once per distinct text)."""
        raw = row.cells.get("personal_code")
        known = self.codes.get(raw) if isinstance(raw, str) else None
        if known is None:
            known = _read_code(clean(raw))
            if isinstance(raw, str):
                self.codes[raw] = known
        if isinstance(known, str):
            self.fail(row, "personal_code", known)
            return
        row.data["code"], row.data["code_index"] = known

    def take_school(self, row: Row) -> None:
        raw = clean(row.cells.get("school")).replace(" ", "")
        if not raw:
            self.fail(row, "school", "required")
        else:
            row.data["school_number"] = raw

    def resolve(self, rows: list[Row]) -> None:
        """Schools and pupils of the chunk, each in one statement."""
        self.ctx.resolve_schools({r.data["school_number"] for r in rows if "school_number" in r.data})
        self.ctx.resolve_pupils({r.data["code_index"] for r in rows if "code_index" in r.data})
        for row in rows:
            if "school_number" in row.data:
                school_id, problem = self.ctx.school(row.data["school_number"])
                if problem:
                    self.fail(row, "school", problem, value=row.data["school_number"][:40])
                row.data["school_id"] = school_id

    def enrolled_pupil(self, row: Row) -> None:
        """The pupil must be (or have been) enrolled at the row's school."""
        if "code_index" not in row.data or not row.data.get("school_id"):
            return
        pupil_id, schools = self.ctx.pupil(row.data["code_index"])
        if pupil_id is None or row.data["school_id"] not in schools:
            self.fail(row, "personal_code", "unknown_pupil")
        else:
            row.data["pupil_id"] = pupil_id

    def dedupe(self, row: Row, key: tuple, content: tuple, key_label: str) -> bool:
        """False when an earlier row had the key: a repeat counts as unchanged, other content is a problem."""
        # one int per row (row number above 64 bits of the content's hash): memory stays small for millions
        digest, body = hash(key), hash(content) & _LOW64
        first = self.seen.get(digest)
        if first is None:
            self.seen[digest] = (row.number << 64) | body
            return True
        if first & _LOW64 == body:
            row.outcome = "unchanged"
            return False
        self.fail(row, None, "duplicate_in_file", first=first >> 64, columns=key_label)
        return False

    # --- per kind ----------------------------------------------------------------------------

    def parse(self, row: Row) -> None:
        raise NotImplementedError

    def judge(self, rows: list[Row]) -> None:
        """Check the parsed rows against caseflow's data and each other; set outcomes; stage."""
        raise NotImplementedError


def _read_code(raw: str) -> tuple | str:
    """(PersonalCode, blind index) of a code as written, or the code of its problem."""
    if not raw:
        return "required"
    try:
        code = parse(raw)
    except PersonalCodeError as exc:
        rule = "future" if exc.rule == "date" and str(exc.message) == str(_FUTURE) else exc.rule
        return f"personal_code_{rule}"
    return code, code_index(code.value)


def map_headers(headers: list[str], fmt: Format) -> tuple[dict[int, str], dict[str, str]]:
    """(cell position → column key, column key → header as written), or FileProblem."""
    lookup = fmt.lookup()
    positions: dict[int, str] = {}
    written: dict[str, str] = {}
    for position, header in enumerate(headers):
        column = lookup.get(header_key(header))
        if column is None:
            continue
        if column.key in written:
            raise FileProblem("duplicate_column", column=header[:100])
        positions[position] = column.key
        written[column.key] = header
    missing = [c for c in fmt.required if c.key not in written]
    if missing:
        raise FileProblem(
            "missing_columns", missing=", ".join(f"{c.latvian} ({c.english})" for c in missing),
            found=", ".join(f"\"{h[:60]}\"" for h in headers if h) or "—",
            expected=", ".join(f"{c.latvian} ({c.english})" for c in fmt.columns))
    return positions, written


def validate(sheet: Sheet, fmt: Format, ctx: Context, checker_class: type[Checker],
             progress: Callable[[int], None] | None = None) -> None:
    """Judge every row of the sheet in chunks; counts and problems end up in ctx."""
    positions, written = map_headers(sheet.headers, fmt)
    checker = checker_class(ctx, written)
    chunk: list[Row] = []

    def run() -> None:
        for row in chunk:
            checker.parse(row)
        checker.judge(chunk)
        for row in chunk:
            ctx.counts.total += 1
            if row.bad:
                ctx.counts.bad += 1
            elif row.outcome == "new":
                ctx.counts.new += 1
            elif row.outcome == "changed":
                ctx.counts.changed += 1
            else:
                ctx.counts.unchanged += 1
        ctx.flush_problems()
        if progress is not None:
            progress(sheet.position())

    for number, cells in sheet.rows:
        chunk.append(Row(number, {key: cells[p] for p, key in positions.items() if p < len(cells)}))
        if len(chunk) >= CHUNK_ROWS:
            run()
            chunk = []
    if chunk:
        run()
    if ctx.counts.total == 0:
        raise FileProblem("no_rows")
