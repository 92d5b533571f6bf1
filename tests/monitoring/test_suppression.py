"""Small-cell suppression: small counts hidden, and none of them recoverable from what is published."""
from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseflow.monitoring.suppression import (
    Hidden,
    PublishedCell,
    SuppressedList,
    SuppressedTable,
    audit,
    suppress,
    suppress_list,
)


def extended(rows: list[list[int]]) -> list[list[int]]:
    """The table with each row's total appended and the column totals (and grand total) as a last row."""
    grid = [[*row, sum(row)] for row in rows]
    return [*grid, [sum(column) for column in zip(*grid, strict=True)]]


def publish(rows: list[list[int]], marks: dict[tuple[int, int], Hidden], threshold: int = 5) -> SuppressedTable:
    """A table published with exactly the given positions of the extended table hidden under the given marks."""
    cells = [[PublishedCell(None if (i, j) in marks else value, marks.get((i, j)), threshold)
              for j, value in enumerate(line)] for i, line in enumerate(extended(rows))]
    return SuppressedTable(
        cells=tuple(tuple(line[:-1]) for line in cells[:-1]),
        row_totals=tuple(line[-1] for line in cells[:-1]),
        column_totals=tuple(cells[-1][:-1]),
        grand_total=cells[-1][-1],
        threshold=threshold,
    )


def small_positions(rows: list[list[int]], threshold: int = 5) -> set[tuple[int, int]]:
    return {(i, j) for i, line in enumerate(extended(rows)) for j, value in enumerate(line) if 0 < value < threshold}


def only_small_hidden(rows: list[list[int]], threshold: int = 5) -> SuppressedTable:
    """What a naive suppression publishes: the small counts marked "<5" and nothing else hidden."""
    return publish(rows, dict.fromkeys(small_positions(rows, threshold), Hidden.SMALL), threshold)


def hidden_positions(table: SuppressedTable) -> dict[tuple[int, int], Hidden]:
    return {(i, j): cell.hidden for i, line in enumerate(table.grid()) for j, cell in enumerate(line)
            if cell.is_hidden}


def recoverable(published) -> dict:
    return {key: low for key, (low, high) in audit(published).items() if low == high}


def consistent_tables(table: SuppressedTable, cap: int, never_small_complements: bool = False):
    """Every extended table whose hidden inner counts are at most cap and that agrees with what is published."""
    grid = table.grid()
    inner = [(i, j) for i in range(len(grid) - 1) for j in range(len(grid[0]) - 1) if grid[i][j].is_hidden]
    shape = [[cell.value or 0 for cell in line[:-1]] for line in grid[:-1]]
    for guess in itertools.product(range(cap + 1), repeat=len(inner)):
        for (i, j), value in zip(inner, guess, strict=True):
            shape[i][j] = value
        candidate = extended(shape)
        if all(fits(cell, candidate[i][j], never_small_complements)
               for i, line in enumerate(grid) for j, cell in enumerate(line)):
            yield candidate


def fits(cell: PublishedCell, value: int, never_small_complements: bool) -> bool:
    low, high = cell.bounds
    if never_small_complements and cell.hidden is Hidden.COMPLEMENTARY and 0 < value < cell.threshold:
        return False
    return low <= value and (high is None or value <= high)


def test_counts_of_one_to_four_are_hidden_as_small_and_zero_and_five_are_shown():
    table = suppress([[0, 1, 4, 5, 30], [20, 20, 20, 20, 20]])
    texts = [cell.text for cell in table.cells[0]]
    assert texts[:3] == ["0", "<5", "<5"]
    assert table.cells[0][0].value == 0 and not table.cells[0][0].is_hidden
    assert table.cells[0][1].hidden is table.cells[0][2].hidden is Hidden.SMALL
    assert all(cell.hidden is not Hidden.SMALL for line in table.grid() for cell in line
               if cell.value is not None and cell.value >= 5)


def test_a_hidden_count_keeps_no_value_and_renders_as_its_mark():
    table = suppress([[3, 10], [10, 10]])
    small, complement = table.cells[0][0], table.cells[0][1]
    assert small.value is None and complement.value is None
    assert (small.text, str(small), small.sheet_value, small.bounds) == ("<5", "<5", "<5", (1, 4))
    assert (complement.hidden, complement.text, complement.bounds) == (Hidden.COMPLEMENTARY, "×", (0, None))
    assert table.row_totals[0].sheet_value == 13 and table.has_hidden()


def test_a_table_of_large_counts_hides_nothing():
    table = suppress([[5, 12], [40, 7]])
    assert not table.has_hidden()
    assert [[cell.sheet_value for cell in line] for line in table.grid()] == [[5, 12, 17], [40, 7, 47], [45, 19, 64]]


def test_a_total_of_one_to_four_is_hidden_as_small():
    table = suppress([[2, 0, 1], [10, 10, 10]])
    assert table.row_totals[0].hidden is Hidden.SMALL
    assert table.column_totals[0].value == 12
    assert not recoverable(table)


def test_the_threshold_is_a_parameter():
    rows = [[2, 3, 7], [9, 9, 9], [9, 9, 9]]
    assert hidden_positions(suppress(rows, threshold=3)).get((0, 1)) is not Hidden.SMALL
    assert hidden_positions(suppress(rows, threshold=3))[(0, 0)] is Hidden.SMALL
    at_ten = suppress(rows, threshold=10)
    assert at_ten.cells[0][2].text == "<10" and at_ten.cells[1][0].text == "<10"
    assert not recoverable(at_ten)
    for impossible in (0, 2):  # "<2" could only mean 1
        with pytest.raises(ValueError):
            suppress(rows, threshold=impossible)


@pytest.mark.parametrize("rows", [
    [[3, 10], [10, 10]],                    # one small count: its row total gives it away
    [[2, 3, 10], [10, 10, 10]],             # two in one row: each column total gives one away
    [[2, 10], [10, 3]],                     # on the diagonal: every row and column has one
    [[1, 2, 30], [0, 0, 30], [30, 30, 30]],
    [[4, 20, 20, 20], [20, 20, 20, 20]],
    [[6, 0], [1, 9], [1, 5]],               # two "<5" summing to 2 are both 1
    [[1, 1], [1, 1]],                       # a grand total "<5" over four "<5" makes each 1
])
def test_hiding_only_the_small_counts_is_recoverable_and_suppress_is_not(rows):
    assert recoverable(only_small_hidden(rows))
    assert not {key for key in recoverable(suppress(rows)) if key in small_positions(rows)}


def test_two_small_counts_whose_column_leaves_two_are_protected_with_a_large_complement():
    rows = [[6, 0], [1, 9], [1, 5]]
    assert recoverable(only_small_hidden(rows)) == {(1, 0): 1, (2, 0): 1}
    table = suppress(rows)
    ranges = audit(table)
    assert ranges[(1, 0)] == ranges[(2, 0)] == (1, 4)
    assert table.cells[0][0].text == "×" and table.cells[0][1].text == "0"
    for small in [(1, 0), (2, 0)]:  # even knowing that "×" is never 1…4
        assert len({other[small[0]][small[1]] for other in consistent_tables(table, 22, True)}) > 1


def test_a_table_of_ones_re_marks_its_grand_total_as_a_complement():
    table = suppress([[1, 1], [1, 1]])
    assert all(cell.text == "<5" for line in table.cells for cell in line)
    assert table.grand_total.text == "×" and table.row_totals[0].text == "<5"
    assert audit(table)[(0, 0)] == (1, 3)


def test_complements_are_the_smallest_counts_of_at_least_the_threshold():
    table = suppress([[3, 50, 6], [7, 60, 8]])
    assert hidden_positions(table) == {(0, 0): Hidden.SMALL, (0, 2): Hidden.COMPLEMENTARY,
                                       (1, 0): Hidden.COMPLEMENTARY, (1, 2): Hidden.COMPLEMENTARY}


def test_zero_counts_are_not_complements_while_larger_counts_will_do():
    table = suppress([[3, 0, 10], [0, 0, 10], [10, 9, 10]])
    assert all(table.grid()[i][j].text == "0" for i, j in [(0, 1), (1, 0), (1, 1)])
    assert not recoverable(table)


def test_a_hidden_zero_is_marked_as_a_complement():
    table = publish([[3, 0], [10, 10]], {(0, 0): Hidden.SMALL, (0, 1): Hidden.COMPLEMENTARY,
                                         (1, 0): Hidden.COMPLEMENTARY, (1, 1): Hidden.COMPLEMENTARY})
    assert table.cells[0][1].text == "×"
    assert audit(table) == {(0, 0): (1, 3), (0, 1): (0, 2), (1, 0): (10, 12), (1, 1): (8, 10)}


def test_a_single_row_hides_column_totals_that_equal_its_counts():
    table = suppress([[3, 10, 20]])
    assert table.column_totals[0].hidden is Hidden.SMALL and table.column_totals[1].is_hidden
    assert table.row_totals[0].value == 33 and not recoverable(table)


def test_the_output_is_deterministic():
    rows = [[3, 8, 8, 2], [8, 3, 8, 8], [8, 8, 8, 8], [1, 8, 8, 8]]
    first = suppress(rows)
    assert all(suppress([list(row) for row in rows]) == first for _ in range(5))
    assert hidden_positions(suppress([[3, 10], [10, 10]])) == {
        (0, 0): Hidden.SMALL, (0, 1): Hidden.COMPLEMENTARY, (1, 0): Hidden.COMPLEMENTARY,
        (1, 1): Hidden.COMPLEMENTARY}


def test_empty_and_all_zero_tables_hide_nothing():
    assert not suppress([]).has_hidden() and suppress([]).grand_total.value == 0
    assert not suppress([[0, 0], [0, 0]]).has_hidden()


def test_bad_tables_are_refused():
    with pytest.raises(ValueError):
        suppress([[1, 2], [3]])
    with pytest.raises(ValueError):
        suppress([[1, -2]])
    inconsistent = SuppressedTable(
        cells=((PublishedCell(None, Hidden.SMALL, 5), PublishedCell(10, None, 5)),),
        row_totals=(PublishedCell(20, None, 5),), column_totals=(PublishedCell(3, None, 5),) * 2,
        grand_total=PublishedCell(20, None, 5), threshold=5)
    with pytest.raises(ValueError):
        audit(inconsistent)


def test_audit_finds_no_upper_bound_when_every_total_around_a_count_is_hidden():
    table = publish([[7]], {(0, 0): Hidden.COMPLEMENTARY, (0, 1): Hidden.COMPLEMENTARY,
                            (1, 0): Hidden.COMPLEMENTARY, (1, 1): Hidden.COMPLEMENTARY})
    assert audit(table) == dict.fromkeys([(0, 0), (0, 1), (1, 0), (1, 1)], (0, None))
    assert audit(suppress([[1]])) == dict.fromkeys([(0, 0), (0, 1), (1, 0), (1, 1)], (1, 4))


def test_audit_of_a_complemented_table_gives_exact_ranges():
    assert audit(suppress([[3, 10], [10, 10]])) == {(0, 0): (1, 4), (0, 1): (9, 12), (1, 0): (9, 12),
                                                  (1, 1): (8, 11)}


def test_a_list_hides_small_counts_and_one_complement():
    published = suppress_list([0, 3, 12, 40])
    assert [cell.text for cell in published.cells] == ["0", "<5", "×", "40"]
    assert published.total.value == 55 and published.has_hidden()
    assert audit(published) == {1: (1, 4), 2: (11, 14)}


def test_a_list_with_two_small_counts_needs_no_complement():
    published = suppress_list([3, 3, 20])
    assert [cell.text for cell in published.cells] == ["<5", "<5", "20"]
    assert audit(published) == {0: (2, 4), 1: (2, 4)}


def test_a_list_of_ones_leaving_no_room_re_marks_its_total():
    published = suppress_list([1, 1], threshold=3)
    assert [cell.text for cell in published.cells] == ["<3", "<3"] and published.total.text == "×"
    assert audit(published) == {0: (1, 2), 1: (1, 2), 2: (2, 4)}


def test_a_list_with_a_small_total_hides_the_total():
    published = suppress_list([2, 0, 0], threshold=3)
    assert [cell.text for cell in published.cells] == ["<3", "0", "0"] and published.total.text == "<3"
    assert not recoverable(published)
    assert not suppress_list([7, 8]).has_hidden()


def test_a_naive_list_is_recoverable():
    naive = SuppressedList(
        cells=(PublishedCell(None, Hidden.SMALL, 5), PublishedCell(12, None, 5)),
        total=PublishedCell(15, None, 5), threshold=5)
    assert recoverable(naive) == {0: 3}


counts = st.one_of(st.integers(0, 4), st.integers(0, 30))


@st.composite
def tables(draw, most_rows=5, most_columns=5, values=counts):
    row_count = draw(st.integers(1, most_rows))
    column_count = draw(st.integers(1, most_columns))
    return [[draw(values) for _ in range(column_count)] for _ in range(row_count)]


def check_marks(grid: list[list[int]], hidden: dict[tuple[int, int], Hidden], threshold: int) -> None:
    """Every small count is hidden, "<5" only on small counts, and only a small total ever shows as "×"."""
    for i, line in enumerate(grid):
        for j, value in enumerate(line):
            is_total = i == len(grid) - 1 or j == len(line) - 1
            if 0 < value < threshold:
                assert hidden.get((i, j)) is Hidden.SMALL or (is_total and (i, j) in hidden)
            else:
                assert hidden.get((i, j)) is not Hidden.SMALL


@settings(max_examples=300, deadline=None)
@given(tables(), st.sampled_from([3, 5, 5, 10]))
def test_no_small_count_of_a_suppressed_table_is_recoverable(rows, threshold):
    table = suppress(rows, threshold)
    grid = extended(rows)
    hidden = hidden_positions(table)
    check_marks(grid, hidden, threshold)
    ranges = audit(table)
    assert set(ranges) == set(hidden)
    for (i, j), (low, high) in ranges.items():
        assert low <= grid[i][j] and (high is None or grid[i][j] <= high)
        assert not 0 < grid[i][j] < threshold or high is None or low < high


@settings(max_examples=200, deadline=None)
@given(st.lists(counts, max_size=8), st.sampled_from([3, 5, 10]))
def test_no_small_count_of_a_suppressed_list_is_recoverable(values, threshold):
    published = suppress_list(values, threshold)
    assert all((0 < value < threshold) == (cell.hidden is Hidden.SMALL)
               for value, cell in zip(values, published.cells, strict=True))
    assert not {k for k in recoverable(published) if 0 < [*values, sum(values)][k] < threshold}


@settings(max_examples=50, deadline=None)
@given(tables(most_rows=2, most_columns=2, values=st.integers(0, 4)), st.sampled_from([3, 5]))
def test_suppress_survives_an_attacker_who_enumerates_every_table(rows, threshold):
    table = suppress(rows, threshold)
    smalls = small_positions(rows, threshold)
    re_marked = any(table.grid()[i][j].hidden is Hidden.COMPLEMENTARY for i, j in smalls)
    # knowing that "×" is never 1…threshold-1 is true knowledge unless a small total had to show as "×"
    for never_small_complements in {False, not re_marked}:
        seen: dict[tuple[int, int], set[int]] = {position: set() for position in smalls}
        for candidate in consistent_tables(table, max(map(max, rows)) + threshold, never_small_complements):
            for i, j in seen:
                seen[(i, j)].add(candidate[i][j])
        assert all(len(found) > 1 for found in seen.values())


@settings(max_examples=60, deadline=None)
@given(tables(most_rows=2, most_columns=3, values=st.integers(0, 4)), st.data())
def test_audit_agrees_with_enumerating_every_table(rows, data):
    threshold = 3
    grid = extended(rows)
    positions = [(i, j) for i in range(len(grid)) for j in range(len(grid[0]))]
    inner = [(i, j) for i, j in positions if i < len(rows) and j < len(rows[0])]
    chosen = {position for position in positions if data.draw(st.booleans())}
    chosen -= set(sorted(chosen & set(inner))[3:])
    marks = {(i, j): Hidden.SMALL if 0 < grid[i][j] < threshold and data.draw(st.booleans())
             else Hidden.COMPLEMENTARY for i, j in sorted(chosen)}
    table = publish(rows, marks, threshold)
    cap = sum(map(sum, rows)) + threshold
    # enumerate at two caps: a true bound stays put when the cap grows, a missing one moves with it
    seen = {limit: {position: [] for position in marks} for limit in (cap, cap + 1)}
    for limit in seen:
        for candidate in consistent_tables(table, limit):
            for i, j in marks:
                seen[limit][(i, j)].append(candidate[i][j])
    for position, (low, high) in audit(table).items():
        assert min(seen[cap][position]) == low
        if high is None:
            assert max(seen[cap][position]) >= cap
            assert max(seen[cap + 1][position]) > max(seen[cap][position])
        else:
            assert max(seen[cap][position]) == high == max(seen[cap + 1][position])
