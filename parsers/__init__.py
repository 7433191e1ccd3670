"""Text extraction and report parsing: bytes in, a `Document` and statistics out."""
