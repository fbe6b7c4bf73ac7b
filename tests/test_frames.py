"""A document's rows reach the warehouse as Arrow tables where nothing changes them after normalising:
the warehouse must hold exactly what the same rows as a DataFrame gave it, for any rows drawn."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st
from scorecards.normalise.frames import arrow_rows

COLUMNS = {"label": "TEXT", "value": "DOUBLE", "count": "INTEGER", "current": "BOOLEAN", "day": "DATE"}
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "label": st.text(max_size=8),
    "value": st.one_of(st.floats(allow_infinity=False), st.integers(-1000, 1000), st.just(math.nan)),
    "count": st.integers(-(2**31), 2**31 - 1),
    "current": st.booleans(),
    "day": st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)),
}
row = st.fixed_dictionaries({}, optional={name: st.one_of(st.none(), values) for name, values in VALUES.items()})


def _loaded(frame: pd.DataFrame | pa.Table) -> list[tuple[Any, ...]]:
    con = duckdb.connect()
    con.execute("CREATE TABLE facts (" + ", ".join(f"{n} {t}" for n, t in COLUMNS.items()) + ")")
    if len(frame):
        incoming = frame  # noqa: F841 (read by name in the statement, as the warehouse does)
        con.execute("INSERT INTO facts BY NAME SELECT * FROM incoming")
    return con.execute("SELECT * FROM facts").fetchall()


@given(st.lists(row, max_size=12))
def test_arrow_rows_load_as_the_same_rows_as_a_dataframe(rows: list[dict[str, Any]]) -> None:
    assert len(arrow_rows(rows)) == len(rows)
    if not any(rows):  # no column at all: nothing a warehouse table could take
        return
    assert _loaded(arrow_rows(rows)) == _loaded(pd.DataFrame(rows))


def test_a_column_arrow_cannot_type_keeps_the_rows_a_dataframe() -> None:
    rows = [{"label": "a", "value": 1.5}, {"label": 2, "value": None}]
    frame = arrow_rows(rows)
    assert isinstance(frame, pd.DataFrame)
    assert frame.to_dict("records")[0] == {"label": "a", "value": 1.5}


def test_a_nan_is_null_and_a_missing_key_too() -> None:
    table = arrow_rows([{"label": "a", "value": math.nan}, {"label": "b"}, {"value": 2.0}])
    assert isinstance(table, pa.Table)
    assert table.column_names == ["label", "value"]
    assert table.to_pylist() == [{"label": "a", "value": None}, {"label": "b", "value": None},
                                 {"label": None, "value": 2.0}]
