"""Load a workspace directory: `workspace.yaml` plus one YAML file per source under `sources/`.

    workspace = load_workspace(Path("samples/acme"), catalog)
    workspace.problems                 # problems of workspace.yaml itself (nothing can be built while present)
    config = workspace.valid_config()  # its settings, or ConfigError carrying those problems
    workspace.source_ids()             # ids of the sources present (their files could be read)
    [s.source for s in workspace.sources if s.ok]   # validated sources, ready to build
    [s.problems for s in workspace.sources]          # every problem of every source file, all at once

A source file with problems does not stop the others from loading; cross-source clashes (two sources with
one id or write key) mark every source involved.
"""
from __future__ import annotations

import gc
import hashlib
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from builder.catalog import Catalog
from builder.errors import ConfigError
from builder.input_limits import FILE_BYTES, PROBLEMS_PER_FILE
from builder.models import SAFE_ID_RULE, LimitsConfig, SourceFile, WorkspaceFile
from builder.problems import Problem, echo_value, format_path, is_private_path, too_many_problems
from builder.rules import check_source
from builder.yaml_fast import load_plain_yaml
from builder.yaml_loader import YamlDoc, load_yaml_text

WORKSPACE_FILE = "workspace.yaml"
SOURCES_DIR = "sources"
SOURCE_SUFFIXES = (".yaml", ".yml")
DIGEST_HEX = 32  # hex digits of a file's or a source's inputs digest


@dataclass
class SourceConfig:
    """One source file: its validated model (None if it could not be read) and its problems."""

    file: str
    source: SourceFile | None
    problems: list[Problem] = field(default_factory=list)
    key_lines: dict[str, int | None] = field(default_factory=dict)
    rules_checked: tuple[str, LimitsConfig] | None = None  # (catalog token, limits) the rules were checked against
    # (catalog token, its private values) when a worker process found them while loading; not part of its identity
    private: tuple[str, tuple[Any, ...]] | None = field(default=None, compare=False, repr=False)
    digest: str | None = field(default=None, compare=False, repr=False)  # of the bytes loaded (`builder.inputs`)
    facts: Any = field(default=None, compare=False, repr=False)  # `builder.facts.SourceFacts`, when a worker made them

    @property
    def ok(self) -> bool:
        """True when the source may be built."""
        return self.source is not None and not self.problems


@dataclass
class Workspace:
    """A loaded workspace: its settings, its sources and every problem found."""

    root: Path
    config: WorkspaceFile | None
    problems: list[Problem]
    sources: list[SourceConfig]

    @property
    def ok(self) -> bool:
        """True when workspace.yaml and every source file are valid."""
        return not self.problems and all(s.ok for s in self.sources)

    def all_problems(self) -> list[Problem]:
        """Return every problem of the workspace and its sources, sorted by file and line."""
        found = list(self.problems) + [p for s in self.sources for p in s.problems]
        return sorted(found, key=Problem.sort_key)

    def valid_config(self) -> WorkspaceFile:
        """Return the settings of workspace.yaml; raise ConfigError with its problems when it is invalid."""
        if self.config is None:
            raise ConfigError(self.problems)
        return self.config

    def source_ids(self) -> set[str]:
        """Return the ids of the sources present (every source file that could be read, valid or not)."""
        return {s.source.id for s in self.sources if s.source is not None}

    def find(self, source_id: str) -> SourceConfig | None:
        """Return the source with this id, or None."""
        return next((s for s in self.sources if s.source is not None and s.source.id == source_id), None)


Progress = Callable[[int, int], Any]  # called with (files done, files in all) as loading goes


def load_workspace(root: Path, catalog: Catalog, progress: Progress | None = None) -> Workspace:
    """Read and validate every file of the workspace at `root`, collecting all problems."""
    config, problems = load_workspace_file(root)
    sources = load_sources(root, source_paths(root), catalog, config.limits if config else LimitsConfig(), progress)
    mark_clashes(sources)
    return Workspace(root=root, config=config, problems=problems, sources=sources)


def load_sources(root: Path, paths: list[Path], catalog: Catalog, limits: LimitsConfig,
                 progress: Progress | None = None, facts: Callable[[SourceConfig], Any] | None = None
                 ) -> list[SourceConfig]:
    """Read and validate some source files of the workspace (clashes between sources are not marked here);
    `facts`, when given, makes each loaded source's `facts`."""
    with paused_gc():
        sources = []
        for path in paths:
            sources.append(load_source_file(root, path, catalog, limits))
            if facts is not None:
                sources[-1].facts = facts(sources[-1])
            if progress is not None:
                progress(len(sources), len(paths))
    return sources


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while loading many small acyclic objects.

    Each full collection walks every live object; loading 10,000 sources triggers many of them for nothing
    (configs hold no reference cycles), which costs a quarter of the load time. Reference counting still frees
    everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def source_paths(root: Path) -> list[Path]:
    """Return the source files of the workspace, in a stable order (hidden files and folders skipped)."""
    return [Path(full) for _, full in source_files(root)]


def source_files(root: Path) -> list[tuple[str, str]]:
    """Return (path relative to the workspace, full path) of each source file, in `source_paths`' order."""
    found: list[tuple[str, str]] = []  # (path relative to the root, full path)
    folders = [(f"{SOURCES_DIR}/", os.path.join(root, SOURCES_DIR))]
    while folders:
        relative, folder = folders.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    if entry.is_dir():  # as os.walk: a link to a folder is listed, not followed
                        if not entry.is_symlink():
                            folders.append((f"{relative}{entry.name}/", entry.path))
                    elif entry.name.endswith(SOURCE_SUFFIXES) and entry.is_file():
                        found.append((relative + entry.name, entry.path))
        except OSError:  # as os.walk: a folder that cannot be listed is left out
            continue
    return sorted(found)


def load_workspace_file(root: Path) -> tuple[WorkspaceFile | None, list[Problem]]:
    """Read workspace.yaml; return its model (None when invalid) and its problems."""
    display = _display(root, root / WORKSPACE_FILE)
    doc = _read(root / WORKSPACE_FILE, display, FILE_BYTES, configurable=False)
    if not doc.ok:
        return None, doc.problems
    config, problems = _validate(WorkspaceFile, doc)
    return config, problems  # type: ignore[return-value]


def file_digest(data: bytes) -> str:
    """Return the digest of one file's bytes (what `builder.inputs` addresses a source's file by)."""
    return hashlib.sha256(data).hexdigest()[:DIGEST_HEX]


def load_source_file(root: Path, path: Path, catalog: Catalog, limits: LimitsConfig) -> SourceConfig:
    """Read one source file, validate its fields, then check the connection rules."""
    display = _display(root, path)
    text = _read_text(path, display, limits.source_file_bytes, configurable=True)
    if isinstance(text, YamlDoc):  # it could not be read
        return _source_config(text, catalog, limits)
    config = _source_config_of_text(text, display, catalog, limits)
    config.digest = file_digest(text.encode("utf-8"))  # strict UTF-8 text: the very bytes read
    return config


def parse_source_text(text: str, display: str, catalog: Catalog, limits: LimitsConfig) -> SourceConfig:
    """Validate source-file text that is not on disk yet (the admin API checks an edit before writing it)."""
    size = len(text.encode("utf-8", "surrogatepass")) if len(text) * 4 > limits.source_file_bytes else 0
    if size > limits.source_file_bytes:
        problem = _too_large(display, size, limits.source_file_bytes, configurable=True)
        return SourceConfig(file=display, source=None, problems=[problem])
    return _source_config_of_text(text, display, catalog, limits)


def _source_config_of_text(text: str, display: str, catalog: Catalog, limits: LimitsConfig) -> SourceConfig:
    """Validate source text: read fast where it is plain; where anything is wrong, load it again with the
    line-locating loader, so every problem names its line (`builder.yaml_fast`)."""
    plain = load_plain_yaml(text)
    if plain is not None:
        data, top_lines, root_line = plain
        config = _source_config(YamlDoc(file=display, data=data, root_line=root_line, lines=top_lines), catalog,
                                limits)
        if not config.problems:
            return config
    return _source_config(_mapping_checked(load_yaml_text(text, display)), catalog, limits)


def _source_config(doc: YamlDoc, catalog: Catalog, limits: LimitsConfig) -> SourceConfig:
    """Validate one parsed source file's fields, then check the connection rules."""
    if not doc.ok:
        return SourceConfig(file=doc.file, source=None, problems=doc.problems)
    source, problems = _validate(SourceFile, doc)
    if source is None:
        return SourceConfig(file=doc.file, source=None, problems=problems)
    violations = check_source(source, catalog, limits)  # type: ignore[arg-type]
    for v in violations[:PROBLEMS_PER_FILE]:
        problems.append(Problem(code=v.code, message=v.message, file=doc.file, line=doc.line_of(v.path),
                                path=format_path(v.path), expected=v.expected, got=v.got))
    if len(violations) > PROBLEMS_PER_FILE:
        hidden = violations[PROBLEMS_PER_FILE:]
        problems.append(too_many_problems(doc.file, len(hidden), doc.line_of(hidden[0].path)))
    key_lines = {key: doc.line_of((key,)) for key in ("id", "write_key")}
    return SourceConfig(file=doc.file, source=source, problems=problems, key_lines=key_lines,  # type: ignore[arg-type]
                        rules_checked=(catalog.token, limits))


def _display(root: Path, path: Path) -> str:
    """Name a file the way the user named the workspace: `<root>/sources/x.yaml`."""
    return os.path.join(str(root), path.relative_to(root).as_posix())


def _read(path: Path, display: str, max_bytes: int, configurable: bool) -> YamlDoc:
    """Read and parse one file, refusing it unread past `max_bytes` (at most max_bytes + 1 bytes are read)."""
    text = _read_text(path, display, max_bytes, configurable)
    return text if isinstance(text, YamlDoc) else _mapping_checked(load_yaml_text(text, display))


def _read_text(path: Path, display: str, max_bytes: int, configurable: bool) -> str | YamlDoc:
    """Return one file's text, or a YamlDoc with the problem that kept it from being read."""
    try:
        data = read_bounded(path, max_bytes)
        if data is None:
            size = max(os.stat(path).st_size, max_bytes + 1)
            return YamlDoc(file=display, problems=[_too_large(display, size, max_bytes, configurable)])
        return data.decode("utf-8")
    except FileNotFoundError:
        return YamlDoc(file=display, problems=[Problem(code="C-missing-file", file=display,
                                                       message="the file does not exist")])
    except (OSError, UnicodeDecodeError) as exc:
        return YamlDoc(file=display, problems=[Problem(code="C-unreadable", file=display,
                                                       message=f"the file cannot be read: {exc}")])


def read_bounded(path: Path | str, max_bytes: int) -> bytes | None:
    """Return a file's bytes, or None when it holds more than `max_bytes` (never more than max_bytes + 1 are read).

    Unbuffered reads sized to the file: a buffered reader (or a max_bytes buffer) per small file costs more than the
    read itself, and a build reads every source file."""
    descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        size = os.fstat(descriptor).st_size
        if size > max_bytes:
            return None
        data = os.read(descriptor, size + 1)
        while len(data) <= max_bytes:  # it grew (or is not a regular file): read on, within the limit
            more = os.read(descriptor, max_bytes + 1 - len(data))
            if not more:
                break
            data += more
        return data if len(data) <= max_bytes else None
    finally:
        os.close(descriptor)


def too_large_problem(display: str, path: Path | str, limits: LimitsConfig) -> Problem:
    """Return the problem of a source file past `limits.source_file_bytes`."""
    size = max(os.stat(path).st_size, limits.source_file_bytes + 1)
    return _too_large(display, size, limits.source_file_bytes, configurable=True)


def _too_large(display: str, size: int, max_bytes: int, configurable: bool) -> Problem:
    """Return the problem of a file past its size limit."""
    where = " (limits.source_file_bytes in workspace.yaml)" if configurable else ""
    return Problem(code="C-file-too-large", file=display, line=None,
                   message=f"the file is {size:,} bytes, more than the limit of {max_bytes:,} bytes{where}; "
                           "split it or shorten it")


def _mapping_checked(doc: YamlDoc) -> YamlDoc:
    """Add a problem to a parsed file that does not hold a mapping of keys."""
    if doc.ok and not isinstance(doc.data, dict):
        doc.problems.append(Problem(code="C-type", file=doc.file, line=1, message="the file must hold a mapping",
                                    expected="a mapping of keys", got=type(doc.data).__name__))
    return doc


def _validate(model: type[BaseModel], doc: YamlDoc) -> tuple[BaseModel | None, list[Problem]]:
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        problems = [_problem_from_error(error, doc) for error in errors[:PROBLEMS_PER_FILE]]
        if len(errors) > PROBLEMS_PER_FILE:
            line = doc.line_of(tuple(errors[PROBLEMS_PER_FILE]["loc"]))
            problems.append(too_many_problems(doc.file, len(errors) - PROBLEMS_PER_FILE, line))
        return None, problems


def _problem_from_error(error: Any, doc: YamlDoc) -> Problem:
    """Turn one pydantic error into a Problem with a stable code and a readable sentence."""
    loc = tuple(error["loc"])
    kind = error["type"]
    key = loc[-1] if loc else ""
    base = dict(file=doc.file, line=doc.line_of(loc), path=format_path(loc))
    if kind == "missing":
        return Problem(code="C-missing", message=f"the key '{key}' is required", expected="a value", got="nothing",
                       **base)
    if kind == "extra_forbidden":
        return Problem(code="C-unknown-field", message=f"'{key}' is not a known key here; check its spelling",
                       got=repr(key), **base)
    got = echo_value(error.get("input"), loc)
    if kind == "string_pattern_mismatch" and key in ("id", "write_key"):
        return Problem(code="C-unsafe-id", expected=SAFE_ID_RULE, got=got,
                       message=f"'{key}' becomes part of CDN object keys and file names, so it must be URL- and "
                               "path-safe", **base)
    if kind == "literal_error":
        return Problem(code="C-invalid-value", message=f"'{key}' has a value that is not allowed",
                       expected=error.get("ctx", {}).get("expected"), got=got, **base)
    if kind == "value_error":
        message = str(error.get("ctx", {}).get("error") or error["msg"])
        code = "C-cache-budget" if "propagation_budget" in message else "C-invalid-value"
        if is_private_path(loc):
            message = f"'{key}' has a value that is not allowed"
        return Problem(code=code, message=message, got=None if code == "C-cache-budget" else got, **base)
    return Problem(code="C-type", message=f"'{key}' is invalid: {error['msg'].lower()}", got=got, **base)


def mark_clashes(sources: Iterable[SourceConfig]) -> None:
    """Flag sources that share an id or a write key: neither can be published safely."""
    sources = [s for s in sources if s.source is not None]
    for attr, code in (("id", "C-duplicate-source-id"), ("write_key", "C-duplicate-write-key")):
        groups: dict[str, list[SourceConfig]] = defaultdict(list)
        for s in sources:
            groups[getattr(s.source, attr)].append(s)
        for value, group in groups.items():
            if len(group) < 2:
                continue
            for s in group:
                others = ", ".join(o.file for o in group if o is not s)
                s.problems.append(Problem(code=code, file=s.file, line=s.key_lines.get(attr), path=attr,
                                          message=f"the {attr} '{value}' is also used by {others}; each source "
                                                  f"needs its own {attr}"))
