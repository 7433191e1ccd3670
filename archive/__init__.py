"""The SQLite archive: schema, the single writer, WARC access and search."""
