"""`nianbao serve --db ARCHIVE.db`: datasette over the archive, read-only, with our metadata,
search, per-report pages and capture replay (archive/datasette/)."""
from __future__ import annotations

import argparse
import copy
import socket
import sqlite3
import sys
from pathlib import Path
from typing import Any

import yaml

from .errors import UserError

DATASETTE_DIR = Path(__file__).resolve().parent / "datasette"


def default_warc_dir(db_path: str | Path) -> Path:
    """ARCHIVE.warc beside ARCHIVE.db (interface.md)."""
    p = Path(db_path)
    return p.with_name(p.stem + ".warc")


def metadata_for(db_path: Path, warc_dir: Path | None) -> dict[str, Any]:
    """metadata.yaml with the database key and WARC store of this archive filled in."""
    meta = yaml.safe_load((DATASETTE_DIR / "metadata.yaml").read_text(encoding="utf-8"))
    meta = copy.deepcopy(meta)
    name = db_path.stem
    meta["databases"] = {name: meta["databases"].pop("archive")}
    meta["description_html"] = meta["description_html"].replace("{db}", name)
    meta["plugins"]["nianbao"]["warc_dir"] = str(warc_dir) if warc_dir else None
    for dashboard in meta["plugins"].get("datasette-dashboards", {}).values():
        for chart in dashboard.get("charts", {}).values():
            if chart.get("db") == "archive":
                chart["db"] = name
    return meta


def prepare_archive(db_path: Path) -> list[str]:
    """Make sure the views and the search index exist (the one moment we write); notes for the user."""
    import sqlite_utils

    from . import search, views
    notes = []
    db = sqlite_utils.Database(str(db_path))
    try:
        if not (db["reports"].exists() and db["documents"].exists()):
            raise UserError(f"{db_path}: not a nianbao archive (no reports/documents tables)")
        try:
            db.execute("PRAGMA busy_timeout=30000")
            views.ensure_views(db)
            if not db["sqlite_stat1"].exists():
                # Without statistics the planner reads a report's refusal rows through the archive-wide
                # (table_name, col_key, row_key) index, every report's: 1.3 s instead of 20 ms for an
                # agency page. A sampled ANALYZE takes a second or two even at 100,000 reports.
                db.execute("PRAGMA analysis_limit=1000")
                db.execute("ANALYZE")
                notes.append("gathered query planner statistics (ANALYZE)")
            if not search.index_exists(db) or \
                    db.execute(f"SELECT 1 FROM {search.SOURCE_TABLE} LIMIT 1").fetchone() is None:
                notes.append("built the search index")
                search.refresh_index(db)
        except sqlite3.OperationalError as exc:
            if "readonly" not in str(exc) and "read-only" not in str(exc):
                raise
            notes.append(f"{db_path} is read-only: views/search index not updated ({exc})")
    except sqlite3.DatabaseError as exc:
        raise UserError(f"{db_path}: not a SQLite archive ({exc})") from None
    finally:
        db.conn.close()
    return notes


def build_datasette(db_path: str | Path, warc_dir: str | Path | None):
    from datasette.app import Datasette
    db_path = Path(db_path).resolve()
    warc = Path(warc_dir).resolve() if warc_dir else None
    return Datasette(
        [str(db_path)],
        metadata=metadata_for(db_path, warc),
        template_dir=str(DATASETTE_DIR / "templates"),
        plugins_dir=str(DATASETTE_DIR / "plugins"),
        settings={"sql_time_limit_ms": 5000, "facet_time_limit_ms": 500, "allow_download": False},
    )


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise UserError(f"cannot listen on {host}:{port}: {exc.strerror} (try --port)") from None


def run(args: argparse.Namespace) -> int:
    db_path = Path(args.db)
    if not db_path.is_file():
        raise UserError(f"{args.db}: no such archive (run `nianbao harvest --db {args.db}` first)")
    warc_dir = Path(args.store) if getattr(args, "store", None) else default_warc_dir(db_path)
    if not warc_dir.is_dir():
        print(f"nianbao serve: no WARC store at {warc_dir}: archived captures will not replay "
              f"(pass --store DIR)", file=sys.stderr)
    for note in prepare_archive(db_path):
        print(f"nianbao serve: {note}", file=sys.stderr)
    _check_port(args.host, args.port)

    import asyncio

    import uvicorn
    ds = build_datasette(db_path, warc_dir if warc_dir.is_dir() else None)
    # datasette prints a `rich` traceback with every local for each error page, a 404 or a
    # mistyped SQL query included; the page already says what went wrong. (Only after
    # datasette.app has loaded its default plugins: importing the module first breaks them.)
    sys.modules["datasette.handle_exception"].rich = None
    asyncio.run(ds.invoke_startup())
    print(f"nianbao serve: http://{args.host}:{args.port}/  (search: /-/nianbao/search; Ctrl-C stops)",
          file=sys.stderr, flush=True)
    uvicorn.run(ds.app(), host=args.host, port=args.port, log_level="warning", lifespan="on", workers=1)
    return 0
