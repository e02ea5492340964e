"""Every bound on workspace input, in one place with its default (docs/SECURITY.md lists them).

A file past one of these bounds is reported as a problem with a `C-` code, its file and line; nothing else is
done with it. Only `limits.source_file_bytes` in workspace.yaml changes one of them (the size of source files);
the others are fixed because no real configuration comes near them.
"""
from __future__ import annotations

# Bytes read from one file before it is refused (`C-file-too-large`): workspace.yaml always, source files unless
# workspace.yaml sets `limits.source_file_bytes`. At most this many bytes + 1 are read.
FILE_BYTES = 1024 * 1024
# The range `limits.source_file_bytes` may take.
FILE_BYTES_MIN = 1024
FILE_BYTES_MAX = 64 * 1024 * 1024

# Nodes (scalars, mappings, lists; keys count) written in one YAML file (`C-yaml-too-large`). A source with 10
# destinations is about 120. A file this long or longer is counted event by event before any node is built, so a
# dense file (`[1,1,1,...]`, `{a,b,c,...}`) is refused before it costs memory.
YAML_MAX_NODES = 100_000
# Nodes that aliases and merge keys (`*name`, `<<: *name`) add when expanded, each alias counting the size of what
# it stands for (`C-yaml-aliases`). Everything after loading (validation, the build, JSON encoding) walks the
# expanded data, so this bounds their work too.
YAML_MAX_ALIAS_NODES = 100_000
# Mappings and lists nested in one another, aliases expanded (`C-yaml-depth`).
YAML_MAX_DEPTH = 64

# The largest integer JSON consumers hold exactly: browsers parse JSON numbers as IEEE doubles, so 2^53 - 1
# (RFC 7493, I-JSON, section 2.2). Larger integers are refused (`C-json-value`) instead of silently rounded.
JSON_MAX_INT = 2**53 - 1
# Characters of an integer's YAML text converted at all; longer ones are refused without conversion (Python
# refuses to convert decimal strings of more than 4300 digits, and no bounded integer needs more than this).
INT_MAX_TEXT = 100

# Problems reported per file; past it one `C-too-many-problems` line says how many more were found. Bounds the CLI
# output, the status JSON, the preview index and webhook bodies.
PROBLEMS_PER_FILE = 1000

# Characters of a (non-private) value echoed in a problem line before it is cut.
ECHO_MAX_CHARS = 60
