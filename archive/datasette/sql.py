"""Plain sqlite3 helpers shared by the page modules (they run in datasette's `execute_fn`)."""
from __future__ import annotations

import sqlite3
from typing import Any


def rows(conn: sqlite3.Connection, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    """The result as dicts, whatever the connection's row_factory."""
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    """Tables other branches add (version_cell_changes, year_jumps…) are read only when present."""
    return conn.execute("select 1 from sqlite_master where type in ('table', 'view') and name = ?",
                        [name]).fetchone() is not None


def id_list(ids: list[int]) -> str:
    """Integer ids inlined in an IN (…): safe (ints only) and no 999-parameter limit."""
    return ",".join(str(int(i)) for i in ids) or "NULL"
