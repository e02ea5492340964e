"""The two workspace file kinds as validated models, and the JSON Schema generated from them.

    workspace.yaml        -> WorkspaceFile  (id, cdn, collector, cache policy, limits, targets, ...)
    sources/<any>.yaml    -> SourceFile     (one source and its destination instances)

Field-level rules live here (types, required keys, URL- and path-safe ids); connection rules between
instances live in `builder.rules`. Unknown keys are errors, so a typo like `enable: false` never passes silently.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from builder.input_limits import FILE_BYTES, FILE_BYTES_MAX, FILE_BYTES_MIN

# Ids and write keys become CDN object keys and file names: letters, digits, '_' and '-' only.
SAFE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$"
SAFE_ID_RULE = "1 to 100 characters of A-Z a-z 0-9 _ - (starting with a letter or digit)"

SourceType = Literal["web", "mobile", "server", "project"]
Mode = Literal["cloud", "device"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class CdnConfig(_Strict):
    """Where the published files are served from."""

    base_url: str = Field(description="Public base URL of the CDN, e.g. https://cdn.acme.example")

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")) or len(value) < 9 or any(c in value for c in " \"'<>\\"):
            raise ValueError("must be an http(s) URL such as https://cdn.acme.example")
        return value.rstrip("/")


class CollectorConfig(_Strict):
    """Where browsers send events."""

    api_host: str = Field(description="Collector host and path without scheme, e.g. api.acme.example/v1")
    protocol: Literal["https", "http"] = "https"

    @field_validator("api_host")
    @classmethod
    def _no_scheme(cls, value: str) -> str:
        if "://" in value or not value or any(c in value for c in " \"'<>\\"):
            raise ValueError("must be a host (and optional path) without scheme, such as api.acme.example/v1")
        return value.rstrip("/")


class CacheConfig(_Strict):
    """Cache lifetimes of the entry objects (settings, analytics.min.js), in seconds."""

    browser_max_age: int = Field(300, ge=0, description="max-age: how long browsers may reuse an entry object")
    edge_max_age: int = Field(1500, ge=0, description="s-maxage: how long CDN edges may reuse an entry object")
    stale_while_revalidate: int = Field(0, ge=0, description="stale-while-revalidate, counted against the budget")
    propagation_budget: int = Field(1800, gt=0, description="the most a change may take to reach every visitor")

    @model_validator(mode="after")
    def _within_budget(self) -> "CacheConfig":
        total = self.browser_max_age + self.edge_max_age + self.stale_while_revalidate
        if total > self.propagation_budget:
            raise ValueError(
                f"browser_max_age + edge_max_age + stale_while_revalidate = {total} s exceeds the "
                f"propagation_budget of {self.propagation_budget} s; shorten a max-age"
            )
        return self


class LimitsConfig(_Strict):
    """Workspace-wide connection and input limits."""

    cloud_instances_per_destination: int = Field(10, ge=1, le=100)
    source_file_bytes: int = Field(FILE_BYTES, ge=FILE_BYTES_MIN, le=FILE_BYTES_MAX,
                                   description="the largest source file read, in bytes; a larger one is refused")


class TargetConfig(_Strict):
    """A publish target (an environment): a local directory or an S3 bucket behind CloudFront."""

    url: str = Field(description="file://relative/or/absolute/dir, a plain path, or s3://bucket/prefix")
    region: str | None = None
    endpoint_url: str | None = None
    distribution: str | None = Field(None, description="CloudFront distribution id to invalidate")

    def local_dir(self, workspace_dir: Path) -> Path | None:
        """Return the folder a local target writes into, resolved against the workspace; None for s3:// and others."""
        parsed = urlparse(self.url)
        if parsed.scheme not in ("", "file"):
            return None
        path = Path(parsed.netloc + parsed.path) if parsed.scheme == "file" else Path(self.url)
        return path if path.is_absolute() else workspace_dir / path


class RetentionConfig(_Strict):
    """How long a target keeps earlier builds (for rollback) and objects no build references any more."""

    builds_per_source: int = Field(20, ge=1, description="earlier builds kept per source for rollback")
    grace_period: int = Field(86400, ge=0, description="seconds an unreferenced immutable object is kept before "
                                                          "it is deleted; must exceed the longest entry cache lifetime")


class WebhookConfig(_Strict):
    """A listener notified of builds and publishes."""

    URL_RULE: ClassVar[str] = "must be an http(s) URL with a host, such as https://hooks.acme.example/bundlesmith"

    url: str = Field(description="http(s) URL the notices are POSTed to; redirects are not followed")
    secret_env: str | None = Field(None, description="environment variable holding the HMAC secret")
    events: list[str] = Field(default_factory=lambda: ["build.failed", "publish.succeeded", "publish.failed"])

    @staticmethod
    def url_problem(url: str) -> str | None:
        """Return why `url` cannot be a webhook URL (http or https with a host, nothing else), or None."""
        scheme, sep, rest = url.partition("://")
        host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rpartition("@")[2]
        if (not sep or scheme.lower() not in ("http", "https") or not host or host.startswith(":")
                or any(c.isspace() or ord(c) < 32 or c in "\\\"'<>" for c in url)):
            return WebhookConfig.URL_RULE
        return None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        problem = cls.url_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value


class WorkspaceFile(_Strict):
    """`workspace.yaml`: the workspace-wide settings."""

    id: str = Field(pattern=SAFE_ID_PATTERN)
    name: str = Field(min_length=1)
    cdn: CdnConfig
    collector: CollectorConfig
    cache: CacheConfig = Field(default_factory=CacheConfig)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)
    targets: dict[str, TargetConfig] = Field(
        default_factory=lambda: {"local": TargetConfig(url="file://public")},
        description="publish environments by name; relative paths resolve against the workspace directory",
    )
    webhooks: list[WebhookConfig] = Field(default_factory=list)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)

    @model_validator(mode="after")
    def _grace_outlives_caches(self) -> "WorkspaceFile":
        longest = self.cache.browser_max_age + self.cache.edge_max_age + self.cache.stale_while_revalidate
        if self.retention.grace_period <= longest:
            raise ValueError(
                f"retention.grace_period = {self.retention.grace_period} s must exceed the longest entry cache "
                f"lifetime ({longest} s), or a cached settings file could reference a deleted object")
        return self


class InstanceFile(_Strict):
    """One destination instance connected to a source."""

    destination: str = Field(min_length=1, description="catalog name of the destination, e.g. Mixpanel")
    name: str = Field(min_length=1, max_length=100, description="instance name, unique on the source")
    mode: Mode
    enabled: bool = True
    settings: dict[str, Any] = Field(default_factory=dict)
    consent_categories: list[str] = Field(default_factory=list)


class SourceFile(_Strict):
    """`sources/<anything>.yaml`: one source and the destination instances connected to it."""

    id: str = Field(pattern=SAFE_ID_PATTERN)
    name: str = Field(min_length=1)
    type: SourceType
    write_key: str = Field(pattern=SAFE_ID_PATTERN)
    enabled: bool = True
    destinations: list[InstanceFile] = Field(default_factory=list)
    integrations: dict[str, bool | dict[str, Any]] = Field(
        default_factory=dict,
        description="default `integrations` object applied to every event, e.g. {All: true, Hotjar: false}",
    )


def json_schema(kind: Literal["workspace", "source"], destination_names: list[str] | None = None) -> dict[str, Any]:
    """Return the JSON Schema of one file kind; destination names become an enum for editor completion."""
    model = WorkspaceFile if kind == "workspace" else SourceFile
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "bundlesmith workspace.yaml" if kind == "workspace" else "bundlesmith source file"
    if kind == "source" and destination_names:
        schema["$defs"]["InstanceFile"]["properties"]["destination"]["enum"] = sorted(destination_names)
    return schema
