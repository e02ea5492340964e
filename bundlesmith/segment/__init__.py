"""Moving from Segment: `bundlesmith import segment` and `bundlesmith compare segment` (SPEC §10).

    fetch.py          read a settings JSON or an export from a file or an http(s) URL, bounded (size, time, redirects)
    strict_json.py    parse it, refusing what JSON holds but a workspace cannot (NaN, 2^53+, duplicate keys, depth)
    settings_json.py  a Segment settings JSON as plain typed data (`SegmentSettings`); what it holds that bundlesmith
                      cannot represent is collected as report items
    export.py         Segment's Public API "list destinations" export as the same typed data, per source
    names.py          Segment display names ("Keen IO", "Braze Web Mode (Actions)") -> catalog names; Actions presets
    to_source.py      the source file (`sources/<id>.yaml`) built from that data, checked with builder's rules
    report.py         what could not be represented, one line each
    compare.py        what bundlesmith would serve for a source vs what Segment serves (pure)
    run.py            the two programs over a workspace directory: read, decide, then write (or build in memory)

This package is independent of serve/, preview/ and workers/ (import-linter contract `programs`).
"""
