"""Text bound for a terminal, made harmless: control characters and bidi overrides become visible escapes.

    escape_controls("name: \x1b]0;pwned\x07")     # 'name: \\x1b]0;pwned\\x07'
    handler.setFormatter(EscapingFormatter("%(levelname)s %(name)s: %(message)s"))

A YAML key, a file name or an error from a library can carry `ESC ] 0 ; ...` (retitle the terminal), `ESC [ 2 J`
(clear it) or U+202E (reverse what follows). Everything the CLI prints and logs goes through `escape_controls`:
C0 controls except newline and tab, DEL, C1 controls and the bidi embeddings, overrides and isolates
(U+202A-U+202E, U+2066-U+2069) are written as `\\xNN` / `\\uNNNN`, so the reader sees them instead of obeying them.
"""
from __future__ import annotations

import logging

from builder.problems import escape_controls as _escape


def escape_controls(text: str) -> str:
    """Return `text` with every terminal control character and bidi override written as a visible escape."""
    return _escape(text, keep_lines=True)


class EscapingFormatter(logging.Formatter):
    """A logging formatter whose lines (message, arguments and traceback) are escaped for the terminal."""

    def format(self, record: logging.LogRecord) -> str:
        """Format the record, then escape it."""
        return escape_controls(super().format(record))
