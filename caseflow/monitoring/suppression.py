"""Small-cell suppression of published counts, with complements so that no small count follows from the rest."""
from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass
from enum import Enum

DEFAULT_THRESHOLD = 5
COMPLEMENTARY_MARK = "×"

#: (row, column) in a table extended with its totals: row len(rows) holds the column totals, column
#: len(columns) the row totals, and the corner the grand total
Position = tuple[int, int]
#: a count of a table (its position) or of a list (its index, the total last)
Key = Position | int
#: what an attacker can deduce of a hidden count: its smallest and largest value (None: no upper bound)
Range = tuple[int, int | None]
#: the price of a cycle: re-marked totals, steps an attacker who knows "×" is never small rules out,
#: hidden totals, hidden cells, rows or columns newly touched, and the hidden counts' sum
Cost = tuple[int, int, int, int, int, int]
#: a cycle as its steps: each count on it and whether it grows by 1 (else it shrinks by 1)
Cycle = list[tuple[Key, bool]]
FREE: Cost = (0, 0, 0, 0, 0, 0)


class Hidden(Enum):
    """Why a count is hidden."""

    SMALL = "small"
    COMPLEMENTARY = "complementary"


@dataclass(frozen=True)
class PublishedCell:
    """One published count, or the mark that stands in for a hidden one (a hidden count is not kept)."""

    value: int | None
    hidden: Hidden | None
    threshold: int

    @property
    def is_hidden(self) -> bool:
        """True when the count is not shown."""
        return self.hidden is not None

    @property
    def text(self) -> str:
        """What a page shows: the count, "<5" for a count 1…4, "×" for any hidden count (0 included)."""
        if self.hidden is Hidden.SMALL:
            return f"<{self.threshold}"
        if self.hidden is Hidden.COMPLEMENTARY:
            return COMPLEMENTARY_MARK
        return str(self.value)

    @property
    def sheet_value(self) -> int | str:
        """What a spreadsheet cell holds: the count as a number, a mark as text."""
        return self.text if self.is_hidden else self.value

    @property
    def bounds(self) -> Range:
        """What the cell itself says of its count: the count, 1…threshold-1 for "<5", anything for "×"."""
        if self.hidden is Hidden.SMALL:
            return 1, self.threshold - 1
        if self.hidden is Hidden.COMPLEMENTARY:
            return 0, None
        return self.value, self.value

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class SuppressedTable:
    """A two-dimensional table of counts with its row, column and grand totals, as it may be published."""

    cells: tuple[tuple[PublishedCell, ...], ...]
    row_totals: tuple[PublishedCell, ...]
    column_totals: tuple[PublishedCell, ...]
    grand_total: PublishedCell
    threshold: int

    def grid(self) -> tuple[tuple[PublishedCell, ...], ...]:
        """Every row followed by its total, then the column totals followed by the grand total."""
        body = tuple((*row, total) for row, total in zip(self.cells, self.row_totals, strict=True))
        return (*body, (*self.column_totals, self.grand_total))

    def has_hidden(self) -> bool:
        """True when any count or total is hidden."""
        return any(cell.is_hidden for row in self.grid() for cell in row)


@dataclass(frozen=True)
class SuppressedList:
    """A list of counts with its total, as it may be published."""

    cells: tuple[PublishedCell, ...]
    total: PublishedCell
    threshold: int

    def has_hidden(self) -> bool:
        """True when any count or the total is hidden."""
        return self.total.is_hidden or any(cell.is_hidden for cell in self.cells)


def suppress(rows: list[list[int]], threshold: int = DEFAULT_THRESHOLD) -> SuppressedTable:
    """Hide the counts 1…threshold-1 (cells and totals) and the complements that keep each of them uncertain."""
    _check_threshold(threshold)
    column_count = len(rows[0]) if rows else 0
    for row in rows:
        if len(row) != column_count:
            raise ValueError("every row of a table needs the same number of columns")
        _check_counts(row)
    grid = [[*row, sum(row)] for row in rows]
    grid.append([sum(column) for column in zip(*grid, strict=True)] if rows else [0] * (column_count + 1))
    values = {(i, j): value for i, line in enumerate(grid) for j, value in enumerate(line)}
    totals = {(i, j) for i, j in values if i == len(rows) or j == column_count}
    marks = _protected(_table_arcs(len(grid), column_count + 1), values, totals, threshold)

    def published(i: int, j: int) -> PublishedCell:
        return _cell(grid[i][j], marks.get((i, j)), threshold)

    return SuppressedTable(
        cells=tuple(tuple(published(i, j) for j in range(column_count)) for i in range(len(rows))),
        row_totals=tuple(published(i, column_count) for i in range(len(rows))),
        column_totals=tuple(published(len(rows), j) for j in range(column_count)),
        grand_total=published(len(rows), column_count),
        threshold=threshold,
    )


def suppress_list(counts: list[int], threshold: int = DEFAULT_THRESHOLD) -> SuppressedList:
    """Hide the counts 1…threshold-1 of a list and its total, and the complements that keep them uncertain."""
    _check_threshold(threshold)
    _check_counts(counts)
    values = dict(enumerate([*counts, sum(counts)]))
    marks = _protected(_list_arcs(len(counts)), values, {len(counts)}, threshold)
    cells = [_cell(value, marks.get(k), threshold) for k, value in values.items()]
    return SuppressedList(cells=tuple(cells[:-1]), total=cells[-1], threshold=threshold)


def audit(published: SuppressedTable | SuppressedList) -> dict[Key, Range]:
    """The exact range of every hidden count given the shown counts, the marks' bounds and the totals."""
    if isinstance(published, SuppressedList):
        cells: dict[Key, PublishedCell] = dict(enumerate((*published.cells, published.total)))
        return _ranges(_list_arcs(len(published.cells)), cells)
    grid = published.grid()
    cells = {(i, j): cell for i, line in enumerate(grid) for j, cell in enumerate(line)}
    return _ranges(_table_arcs(len(grid), len(grid[0])), cells)


def _check_threshold(threshold: int) -> None:
    if threshold < 1:
        raise ValueError("the small-cell threshold must be at least 1")
    if threshold == 2:
        raise ValueError('a threshold of 2 would publish every small count: "<2" can only mean 1')


def _check_counts(counts: list[int]) -> None:
    if any(count < 0 for count in counts):
        raise ValueError("counts cannot be negative")


def _cell(value: int, mark: Hidden | None, threshold: int) -> PublishedCell:
    return PublishedCell(None if mark else value, mark, threshold)


# Every count is an arc of a circulation: in a table, a node per row (the column totals being one more row)
# and per column (the row totals being one more), each inner count and the grand total running from its
# row to its column and each total the other way; in a list, every count runs from one node to the other
# and the total back. Every node's inflow equals its outflow, which is all the totals say.


def _table_arcs(row_count: int, column_count: int) -> dict[Key, tuple[int, int]]:
    arcs: dict[Key, tuple[int, int]] = {}
    for i in range(row_count):
        for j in range(column_count):
            row, column = i, row_count + j
            is_total = (i == row_count - 1) != (j == column_count - 1)
            arcs[(i, j)] = (column, row) if is_total else (row, column)
    return arcs


def _list_arcs(count: int) -> dict[Key, tuple[int, int]]:
    return {k: (1, 0) if k == count else (0, 1) for k in range(count + 1)}


# A small count can take another value exactly when adding 1 to it can be balanced around a cycle of hidden
# counts, each moving by 1 within what its mark allows (the true table being one solution, the constraint
# matrix totally unimodular). Protection therefore adds, for every small count, the cheapest such cycle,
# hiding the shown counts it runs through (a small total that blocks every cycle shows as "×" instead),
# and finally drops every complement and re-marked total the cycles do not need. Cycles that keep every
# complement at the threshold or above come first: they hold even for one who knows that "×" is never
# 1…threshold-1, so a zero (which can only move into 1…threshold-1) is a complement of last resort.


class _Cycles:
    """Cheapest cycles that let one count move by 1 while every other count keeps within its mark."""

    def __init__(self, arcs: dict[Key, tuple[int, int]], values: dict[Key, int], totals: set[Key],
                 threshold: int):
        self.arcs, self.values, self.totals, self.threshold = arcs, values, totals, threshold
        self.leaving: dict[int, list[tuple[Key, int, bool]]] = {}
        for key, (tail, head) in sorted(arcs.items()):
            self.leaving.setdefault(tail, []).append((key, head, True))
            self.leaving.setdefault(head, []).append((key, tail, False))

    def step(self, key: Key, up: bool, marks: dict[Key, Hidden], extend: bool, new_line: bool) -> Cost | None:
        """The price of moving one count by 1, or None if its mark (or extend=False) forbids it."""
        value = self.values[key]
        moved = value + 1 if up else value - 1
        if moved < 0:
            return None
        mark = marks.get(key)
        if mark is Hidden.SMALL:
            if 0 < moved < self.threshold:
                return FREE
            return (1, 1, 0, 0, 0, 0) if extend and key in self.totals else None
        # a complement may be anything, but one who knows that every small count shows as "<5" knows it is not
        weak = int(min(value, moved) < self.threshold)
        if mark is Hidden.COMPLEMENTARY:
            return (0, weak, 0, 0, 0, 0)
        if not extend:
            return None
        return (0, weak, int(key in self.totals), 1, int(new_line), value)

    def cheapest(self, key: Key, marks: dict[Key, Hidden], extend: bool) -> tuple[Cost, Cycle] | None:
        """The cheapest cycle through the count; without extend, through hidden counts only."""
        tail, head = self.arcs[key]
        touched = {node for hidden in marks for node in self.arcs[hidden]}
        best = None
        for up in (True, False):
            own = self.step(key, up, marks, extend, False)
            found = own and self._path(key, *((head, tail) if up else (tail, head)), marks, touched, extend)
            if found and (best is None or _add(own, found[0]) < best[0]):
                best = (_add(own, found[0]), [(key, up), *found[1]])
        return best

    def level(self, key: Key, marks: dict[Key, Hidden]) -> int:
        """2 if the count can move even for one who knows "×" is never small, 1 if only otherwise, else 0."""
        found = self.cheapest(key, marks, extend=False)
        return 0 if found is None else 2 - min(found[0][1], 1)

    def _path(self, exclude: Key, start: int, goal: int, marks: dict[Key, Hidden], touched: set[int],
              extend: bool) -> tuple[Cost, Cycle] | None:
        best = {start: FREE}
        came_from: dict[int, tuple[int, Key, bool]] = {}
        queue = [(FREE, start)]
        while queue:
            cost, node = heapq.heappop(queue)
            if node == goal:
                break
            if cost > best[node]:
                continue
            for key, neighbour, up in self.leaving[node]:
                if key == exclude:
                    continue
                price = self.step(key, up, marks, extend, neighbour not in touched)
                if price is None:
                    continue
                reached = _add(cost, price)
                if neighbour not in best or reached < best[neighbour]:
                    best[neighbour] = reached
                    came_from[neighbour] = (node, key, up)
                    heapq.heappush(queue, (reached, neighbour))
        if goal not in best:
            return None
        steps, node = [], goal
        while node != start:
            node, key, up = came_from[node]
            steps.append((key, up))
        return best[goal], steps


def _add(first: Cost, second: Cost) -> Cost:
    return tuple(a + b for a, b in zip(first, second, strict=True))


def _protected(arcs: dict[Key, tuple[int, int]], values: dict[Key, int], totals: set[Key],
               threshold: int) -> dict[Key, Hidden]:
    """The mark of every count to hide: each small count, and the fewest complements that keep it uncertain."""
    small = sorted(key for key, value in values.items() if 0 < value < threshold)
    cycles = _Cycles(arcs, values, totals, threshold)
    marks = {key: Hidden.SMALL for key in small}
    for key in small:
        found = cycles.cheapest(key, marks, extend=True)
        if found is None:
            raise RuntimeError(f"no suppression keeps the count at {key} uncertain")
        for step_key, up in found[1]:
            within_mark = cycles.step(step_key, up, marks, False, False) is not None
            if marks.get(step_key) is not Hidden.SMALL or not within_mark:
                marks[step_key] = Hidden.COMPLEMENTARY
    levels = {key: cycles.level(key, marks) for key in small}

    def release_order(key: Key) -> tuple[int, int, int, int]:
        return (key not in small, key not in totals, values[key] != 0, -values[key])

    complements = [key for key, mark in marks.items() if mark is Hidden.COMPLEMENTARY]
    for key in sorted(complements, key=release_order):
        trial = dict(marks)
        if key in levels:
            trial[key] = Hidden.SMALL
        else:
            del trial[key]
        if all(cycles.level(other, trial) >= level for other, level in levels.items()):
            marks = trial
    return marks


# The exact range of each hidden count: shift every hidden count by its lower bound, find one feasible flow
# by max-flow from the nodes with a surplus to those with a deficit, then push as much as possible around
# the residual network each way through the count. Integral data and a network matrix make every integer
# between the extremes reachable.


def _ranges(arcs: dict[Key, tuple[int, int]], cells: dict[Key, PublishedCell]) -> dict[Key, Range]:
    surplus: dict[int, int] = {}
    for key, (tail, head) in arcs.items():
        low = cells[key].bounds[0]
        surplus[tail] = surplus.get(tail, 0) - low
        surplus[head] = surplus.get(head, 0) + low
    needed = sum(value for value in surplus.values() if value > 0)
    network = _Network()
    index: dict[Key, int] = {}
    for key, (tail, head) in arcs.items():
        low, high = cells[key].bounds
        if cells[key].is_hidden:
            index[key] = network.add(tail, head, needed + 1 if high is None else high - low)
    source, sink = -1, -2
    supplies = [network.add(source, node, value) if value > 0 else network.add(node, sink, -value)
                for node, value in sorted(surplus.items()) if value]
    room = network.room
    if network.push(room, source, sink, needed) < needed:
        raise ValueError("the published counts do not add up to their totals")
    for arc in supplies:
        room[arc] = room[arc ^ 1] = 0
    unbounded = {key for key in index if cells[key].bounds[1] is None}
    ample = 1 + sum(room[arc ^ 1] + (0 if key in unbounded else room[arc]) for key, arc in index.items())
    for key in unbounded:
        room[index[key]] = ample
    ranges: dict[Key, Range] = {}
    for key, arc in index.items():
        tail, head = arcs[key]
        others = list(room)
        others[arc] = others[arc ^ 1] = 0
        current = cells[key].bounds[0] + room[arc ^ 1]
        more = network.push(list(others), head, tail, room[arc])
        less = network.push(others, tail, head, room[arc ^ 1])
        ranges[key] = (current - less, None if key in unbounded and more >= ample else current + more)
    return ranges


class _Network:
    """A flow network that allows parallel arcs: arc 2k runs forward and arc 2k+1 is its residual twin."""

    def __init__(self) -> None:
        self.heads: list[int] = []
        self.room: list[int] = []
        self.leaving: dict[int, list[int]] = {}

    def add(self, tail: int, head: int, room: int) -> int:
        """Add an arc with the given capacity; return its number."""
        for start, end, capacity in ((tail, head, room), (head, tail, 0)):
            self.leaving.setdefault(start, []).append(len(self.heads))
            self.heads.append(end)
            self.room.append(capacity)
        return len(self.heads) - 2

    def push(self, room: list[int], source: int, sink: int, limit: int) -> int:
        """Push up to limit from source to sink along shortest residual paths, updating room in place."""
        total = 0
        while total < limit:
            came_by = {source: -1}
            queue = deque([source])
            while queue and sink not in came_by:
                node = queue.popleft()
                for arc in self.leaving.get(node, ()):
                    if room[arc] > 0 and self.heads[arc] not in came_by:
                        came_by[self.heads[arc]] = arc
                        queue.append(self.heads[arc])
            if sink not in came_by:
                break
            path, node = [], sink
            while node != source:
                path.append(came_by[node])
                node = self.heads[came_by[node] ^ 1]
            amount = min(limit - total, *(room[arc] for arc in path))
            for arc in path:
                room[arc] -= amount
                room[arc ^ 1] += amount
            total += amount
        return total
