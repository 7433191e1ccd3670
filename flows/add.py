"""`nianbao add FILE... --db ARCHIVE.db`: archive documents obtained outside the crawl.

The bytes go to the WARC store as `resource` records of their own; the capture and the
document location say where they came from (`origin = 'added_by_hand'`, the source path,
`--url` when given, the time) and the run is a `runs` row with command `add`. Identity,
deduplication (same bytes = same document; near-duplicates), parsing, versioning, the
across-years checks and the search index go through the same code as a harvest
(ArchiveWriter, flows.ingest.version_reports, flows.steps), run in this process: no Prefect.

`add` may run while a harvest writes to the same archive. Everything it writes is one
transaction, begun as soon as the write lock is free (it waits its turn, however long the
harvest holds it, and says so on a terminal) and committed at the end: a failure leaves
the archive as it was.
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.errors import UserError

from .local_files import LocalFile, read_local_files

ORIGIN = "added_by_hand"
CONTENT_TYPES = {"pdf": "application/pdf", "html": "text/html", "doc": "application/msword",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "xls": "application/vnd.ms-excel",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "wps": "application/vnd.ms-works", "et": "application/vnd.ms-excel", "zip": "application/zip"}
LOCK_POLL_MS = 500
LOCK_GIVE_UP_S = 6 * 3600  # a harvest holding the archive this long is stuck, not busy


@dataclass
class Item:
    file: LocalFile
    location: str                 # document_locations.url: --url, or the file's file:// URI
    known_id: int | None = None   # the document these bytes already are
    document_json: str | None = None
    identity: Any = None          # ReportIdentity


class _OneTransaction:
    """The connection, with `with conn:` blocks made no-ops: ArchiveWriter and sqlite-utils
    commit step by step, `add` commits once (all or nothing)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def __enter__(self) -> "_OneTransaction":
        return self

    def __exit__(self, *exc: Any) -> bool:
        return False


def _validate(args: argparse.Namespace, files: list[LocalFile]) -> None:
    for f in files:
        if f.format == "other":
            raise UserError(f"{f.path}: unsupported format (not HTML, PDF, DOC, DOCX, WPS, XLS, XLSX, ET, ZIP, an image or text)")
    if args.url and not args.url.startswith(("http://", "https://")):
        raise UserError(f"--url {args.url}: not an http(s) URL")
    if args.url and len(files) > 1:
        raise UserError(f"--url {args.url}: one URL cannot be the address of {len(files)} files; add them one by one")
    if args.year is not None and not 1990 <= args.year <= 2100:
        raise UserError(f"--year {args.year}: not a report year")


def _identify(args: argparse.Namespace, items: list[Item]) -> None:
    """Each new document's report: --agency/--year win over what the document says; a file naming
    no report belongs to the first file's report (like an attachment to its page)."""
    from parsers.model import Document
    from parsers.report.agencies import agency_key
    from parsers.report.identity import ReportIdentity, identify

    first = None
    for item in items:
        if item.known_id is not None:
            continue
        doc = Document.from_json(item.document_json)
        found = identify(doc, site_name=args.agency)
        agency = args.agency or (found.agency if found else None)
        year = args.year or (found.year if found else None)
        if agency and year:
            title = found.title if found else (doc.title or f"{agency}{year}年政府信息公开工作年度报告")
            item.identity = ReportIdentity(agency=agency, agency_key=agency_key(agency, args.agency), year=year,
                                           title=title)
            first = first or item.identity
    for item in items:
        if item.known_id is None and item.identity is None:
            if first is None:
                raise UserError(f"{item.file.path}: not recognised as an annual report (no title naming an agency "
                                f"and a year); say which with --agency NAME --year Y")
            item.identity = first


def _begin_when_free(db: Any, quiet: bool) -> None:
    """BEGIN IMMEDIATE as soon as no other process holds the archive's write lock."""
    conn = db.conn
    conn.execute(f"PRAGMA busy_timeout={LOCK_POLL_MS}")
    started, told = time.monotonic(), False
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
        if time.monotonic() - started > LOCK_GIVE_UP_S:
            raise UserError(f"{_db_path(db)}: another process has held the archive for {LOCK_GIVE_UP_S // 3600} h")
        if not told and not quiet and sys.stderr.isatty():
            print("waiting for the archive: another run (a harvest?) is writing to it…", file=sys.stderr)
            told = True


def _db_path(db: Any) -> str:
    return next(db.query("pragma database_list"))["file"]


def _write_warc(store: str, run_id: str, items: list[Item], fetched_at: str) -> dict[int, dict[str, Any]]:
    """A resource record per new capture, in a WARC file of this run's own."""
    from crawlers.recorder import CrawlRecorder

    recorder = CrawlRecorder(os.path.join(store, f"add-{run_id[:8]}.warc.gz"), os.devnull)
    return {i: recorder.write_resource(url=item.location, body=item.file.data, refers_to=None,
                                       content_type=CONTENT_TYPES.get(item.file.format, "application/octet-stream"))
            for i, item in enumerate(items)}


def _known_documents(db_path: str, items: list[Item]) -> set[tuple[str, str]]:
    """Marks each item's `known_id` (bytes the archive already holds), read without writing
    anything; returns the (sha256, location) pairs archived at that very location already."""
    if not os.path.exists(db_path):
        return set()
    conn = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA busy_timeout=30000")
        here = set()
        for item in items:
            row = conn.execute("select id from documents where sha256 = ?", [item.file.sha256]).fetchone()
            item.known_id = row[0] if row else None
            if row and conn.execute("select 1 from document_locations where document_id = ? and url = ?",
                                    [row[0], item.location]).fetchone():
                here.add((item.file.sha256, item.location))
        return here
    except sqlite3.DatabaseError as exc:
        raise UserError(f"{db_path}: cannot open the archive ({exc})") from None
    finally:
        conn.close()


def prepare(args: argparse.Namespace) -> list[Item]:
    """Read, check, extract and identify the files, before the archive is touched: bad input
    (a missing, empty, unsupported or unidentifiable file) fails here and changes nothing.
    Returns [] when every file is already archived at its location."""
    from .steps import extract_item

    files = read_local_files(args.files, allow_empty=False)
    _validate(args, files)
    items = list({(f.sha256, loc): Item(f, loc) for f in files
                  for loc in [args.url or Path(f.abspath).as_uri()]}.values())  # a file named twice is one
    already = _known_documents(args.db, items)
    if len(already) == len(items):
        return []  # every file is archived at that place: nothing to do, the archive is not opened
    for item in items:  # extraction outside the lock: a harvest is not kept waiting for it
        if item.known_id is None:
            item.document_json = extract_item({"body": item.file.data, "url": item.file.path, "content_type": None})
    _identify(args, items)
    return items


def _already_here(writer: Any, item: Item, outcome: list[dict[str, Any]]) -> bool:
    """These bytes are archived at this location already: nothing to add (noted in `outcome`)."""
    doc_id = writer.document_id_for_sha(item.file.sha256)
    if doc_id is None or not next(writer.db.query("select 1 from document_locations where document_id = ? and url = ?",
                                                  [doc_id, item.location]), None):
        return False
    outcome.append({"path": item.file.path, "document_id": doc_id, "what": "already archived",
                    "report_id": writer.db["documents"].get(doc_id)["report_id"]})
    return True


def add_files(args: argparse.Namespace, items: list[Item], db_path: str, store: str) -> dict[str, Any]:
    """Archive the prepared files in one transaction; returns what happened to each, for the summary."""
    from archive import search
    from archive.schema import ensure_schema, open_db
    from archive.store import ArchiveWriter, Capture, RunCounts
    from crawlers.recorder import utc_now
    from parsers.model import Document

    from .ingest import version_reports
    from .steps import parse_batch

    try:
        db = open_db(db_path, ensure=False)
    except sqlite3.DatabaseError as exc:
        raise UserError(f"{db_path}: cannot open the archive ({exc})") from None
    run_id = str(uuid.uuid4())
    writer = ArchiveWriter(db, run_id)
    _begin_when_free(db, args.quiet)
    locked_at = time.monotonic()
    db.conn = _OneTransaction(db.conn)
    outcome: list[dict[str, Any]] = []
    try:
        ensure_schema(db)  # under the lock: a harvest may be creating or migrating it right now
        # Checked again under the lock: another add may have archived the same bytes meanwhile.
        todo = [item for item in items if not _already_here(writer, item, outcome)]
        if not todo:
            db.conn._conn.rollback()
            return {"run_id": None, "files": outcome, "versions": [], "locked_s": time.monotonic() - locked_at}
        now = utc_now()
        writer.start_run(command="add", started_at=now, sites_file=None, sites=0, sole_writer=False)
        counts = RunCounts()
        records = _write_warc(store, run_id, todo, now)
        touched: set[int] = set()
        for i, item in enumerate(todo):
            rec = records[i]
            capture = Capture(site_id=None, url=item.location, final_url=item.location, status=None, fetched_at=now,
                              headers=[], warc_file=rec["warc_file"], warc_offset=rec["warc_offset"],
                              warc_record_id=rec["warc_record_id"], sha256=item.file.sha256, size=len(item.file.data),
                              role="page" if item.file.format == "html" else "attachment",
                              origin=ORIGIN, source_path=item.file.abspath)
            # known: archived before, or by an earlier file of this call (the same bytes twice)
            item.known_id = writer.document_id_for_sha(item.file.sha256)
            if item.known_id is not None:  # the same bytes, found at a new place
                writer.add_capture(capture, item.known_id)
                report_id, what = db["documents"].get(item.known_id)["report_id"], "new location of a known document"
                counts.documents_seen += 1
            else:
                document = Document.from_json(item.document_json)
                report_id, created = writer.report_for(item.identity, None, now)
                doc_id = writer.add_document(capture, report_id, document, item.file.format)
                item.known_id = doc_id
                counts.documents_new += 1
                counts.reports_new += int(created)
                what = "new document" + (" of a new report" if created else "")
            touched.add(report_id)
            outcome.append({"path": item.file.path, "document_id": item.known_id, "report_id": report_id, "what": what})
        site_ids = {db["reports"].get(r)["site_id"] for r in touched} - {None}
        site_names = {r["id"]: r["name"] for r in db.query(
            f"select id, name from sites where id in ({','.join('?' * len(site_ids))})", sorted(site_ids))}
        versions = version_reports(writer, touched, site_names, counts,
                                   parse=parse_batch)
        search.refresh_index(db, sorted(touched))
        writer.finish_run(finished_at=utc_now(), status="completed", counts=counts)
        db.conn._conn.commit()
    except BaseException:
        db.conn._conn.rollback()
        raise
    return {"run_id": run_id, "files": outcome, "versions": versions, "locked_s": time.monotonic() - locked_at}


def _summary(result: dict[str, Any], db_path: str) -> str:
    import sqlite_utils

    from archive import labels

    db = sqlite_utils.Database(db_path)
    lines = []
    new_versions = dict(result["versions"])
    for f in result["files"]:
        r = db["reports"].get(f["report_id"])
        lines.append(f"{f['path']}: {f['what']} — document #{f['document_id']} of report #{r['id']} "
                     f"({r['agency']} {r['year']}, version {r['current_version']}"
                     + (", new" if f["report_id"] in new_versions else "") + ")")
    for report_id in sorted({f["report_id"] for f in result["files"]}):
        failed = [labels.check_label(c["check_name"]) + (f": {c['detail']}" if c["check_name"] == "carried_over_continuity" else "")
                  for c in db.query("select check_name, detail from checks where report_id = ? and passed = 0", [report_id])]
        cells = db["statistics"].count_where("report_id = ?", [report_id])
        lines.append(f"  report #{report_id}: {cells} statistics cells, "
                     + (f"{len(failed)} check(s) failed: " + "; ".join(failed) if failed else "no failed checks"))
    lines.append("nothing added: every file was already archived at that place" if result["run_id"] is None
                 else f"add {result['run_id'][:8]}: {len(result['versions'])} new version(s); "
                      f"held the archive's write lock {result['locked_s']:.2f} s")
    return "\n".join(lines)


def _check_writable(db_path: str, store: str) -> None:
    """As harvest_cli.check_writable, without opening the archive: that waits for the write lock."""
    from .harvest_cli import check_store

    parent = Path(db_path).resolve().parent
    if not parent.is_dir():
        raise UserError(f"{db_path}: directory {parent} does not exist")
    if os.path.exists(db_path) and not os.access(db_path, os.W_OK):
        raise UserError(f"{db_path}: archive is not writable")
    check_store(store)


def run_add(args: argparse.Namespace) -> int:
    from .harvest_cli import default_store

    items = prepare(args)
    if not items:
        print(f"nothing added: every file is archived at that place already ({args.db})")
        return 0
    store = args.store or default_store(args.db)
    _check_writable(args.db, store)
    result = add_files(args, items, args.db, store)
    print(_summary(result, args.db))
    return 0
