"""ZIP attachments: members out of the archive, safely.

Member names are never used as file paths (no extraction to disk, so no
"../" traversal), and caps on member count, member size, total size and
compression ratio stop zip bombs before they are inflated.
"""
from __future__ import annotations

import io
import zipfile

MAX_MEMBERS = 200
MAX_MEMBER_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 300 * 1024 * 1024
MAX_RATIO = 200  # uncompressed/compressed; office files and PDFs compress far less than this


class ZipRejected(Exception):
    """The archive is unreadable or exceeds a safety cap; the message says which."""


def _decoded_name(info: zipfile.ZipInfo) -> str:
    # Chinese Windows zips store GBK names without the UTF-8 flag; zipfile then decodes them as cp437.
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def unpack_zip(data: bytes, name: str = "") -> list[tuple[str, bytes]]:
    """[(member name, bytes)] for the files in the archive (directories skipped).

    Raises `ZipRejected` naming the archive for corrupt, encrypted or oversized archives.
    """
    label = name or "<zip>"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ZipRejected(f"{label}: not a readable zip ({exc})") from None
    with archive:
        members = [i for i in archive.infolist() if not i.is_dir()]
        if len(members) > MAX_MEMBERS:
            raise ZipRejected(f"{label}: {len(members)} members (cap {MAX_MEMBERS})")
        total = 0
        out = []
        for info in members:
            member = _decoded_name(info)
            if info.flag_bits & 0x1:
                raise ZipRejected(f"{label}: member {member!r} is encrypted")
            if info.file_size > MAX_MEMBER_BYTES:
                raise ZipRejected(f"{label}: member {member!r} is {info.file_size} bytes (cap {MAX_MEMBER_BYTES})")
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                raise ZipRejected(f"{label}: member {member!r} compresses {info.file_size // info.compress_size}:1"
                                  f" (zip bomb cap {MAX_RATIO}:1)")
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise ZipRejected(f"{label}: more than {MAX_TOTAL_BYTES} bytes unpacked")
            # Read in bounded chunks: the declared size in the header can lie.
            buf = bytearray()
            try:
                with archive.open(info) as fh:
                    while chunk := fh.read(1 << 20):
                        buf += chunk
                        if len(buf) > MAX_MEMBER_BYTES:
                            raise ZipRejected(f"{label}: member {member!r} inflates past {MAX_MEMBER_BYTES} bytes")
            except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
                raise ZipRejected(f"{label}: member {member!r} is unreadable ({exc})") from None
            out.append((member, bytes(buf)))
        return out
