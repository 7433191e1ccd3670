"""Undo HTTP Content-Encoding with a cap, so a decompression bomb cannot fill memory."""
from __future__ import annotations

import zlib

MAX_DECODED = 200 * 1024 * 1024


class DecodedTooLarge(ValueError):
    pass


def decode_content(body: bytes, encoding: str | None, limit: int = MAX_DECODED) -> bytes:
    enc = (encoding or "").strip().lower()
    if enc in ("", "identity"):
        return body
    if enc in ("gzip", "x-gzip", "deflate"):
        wbits = 16 + zlib.MAX_WBITS if "gzip" in enc else zlib.MAX_WBITS
        try:
            d = zlib.decompressobj(wbits)
            out = d.decompress(body, limit + 1)
        except zlib.error:
            if enc != "deflate":
                raise
            d = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as some servers send it
            out = d.decompress(body, limit + 1)
        if len(out) > limit:
            raise DecodedTooLarge(f"decoded body exceeds {limit} bytes")
        return out
    if enc == "br":
        import brotli  # scrapy pulls a brotli implementation in when available
        out = brotli.decompress(body)
        if len(out) > limit:
            raise DecodedTooLarge(f"decoded body exceeds {limit} bytes")
        return out
    raise ValueError(f"unknown Content-Encoding {encoding!r}")
