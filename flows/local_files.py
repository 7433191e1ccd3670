"""Reading files a user names on the command line (`nianbao parse`, `nianbao add`)."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from archive.errors import UserError


@dataclass
class LocalFile:
    path: str      # as the user wrote it
    abspath: str
    data: bytes
    sha256: str
    format: str    # sniffed from the bytes (parsers.extract.formats)


def read_local_file(path: str, *, allow_empty: bool = True) -> LocalFile:
    """The file's bytes, or a UserError naming the path (missing, a directory, unreadable, empty)."""
    from parsers.extract.formats import sniff_format

    if not os.path.exists(path):
        raise UserError(f"{path}: no such file")
    if os.path.isdir(path):
        raise UserError(f"{path}: is a directory, not a file")
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror})") from None
    if not data and not allow_empty:
        raise UserError(f"{path}: empty file (zero bytes)")
    return LocalFile(path=path, abspath=os.path.abspath(path), data=data,
                     sha256=hashlib.sha256(data).hexdigest(), format=sniff_format(data, path) if data else "other")


def read_local_files(paths: list[str], *, allow_empty: bool = True) -> list[LocalFile]:
    return [read_local_file(p, allow_empty=allow_empty) for p in paths]
