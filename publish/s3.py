"""The S3 store: the only module that calls S3 for a target (put, get, conditional writes, list, delete, CORS).

    client = boto3.client("s3", config=NO_BOTOCORE_RETRIES)     # created by the caller, after any mock starts
    store = S3Store(client, "acme-cdn", "prod", sleep=time.sleep)
    store.put("v1/projects/wk/settings", body, "application/json", "public, max-age=300, s-maxage=1500")
    store.list()          # {"v1/projects/wk/settings": "<md5 etag>", ...}  (keys relative to the prefix)

Every call goes through `publish.aws.with_retries`, the one AWS boundary: botocore's exceptions become
`builder.errors.PublishError` (and `TransientError`, retried with backoff first); the messages name the operation,
key and bucket.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from botocore.exceptions import ClientError

from builder.errors import PublishError
from publish.aws import with_retries

log = logging.getLogger(__name__)

CORS_RULES = [{"AllowedMethods": ["GET", "HEAD"], "AllowedOrigins": ["*"], "AllowedHeaders": ["*"],
               "ExposeHeaders": ["ETag", "Age"], "MaxAgeSeconds": 3600}]
T = TypeVar("T")


class S3Store:
    """One bucket and prefix; keys given to and returned by it are relative to the prefix."""

    etag = "md5"  # what `list()` reports per object: the ETag of a single-part upload
    prefix: str

    def __init__(self, client: Any, bucket: str, prefix: str = "", *, sleep: Callable[[float], None] = time.sleep,
                 attempts: int = 5, backoff: float = 0.2):
        self.client, self.bucket = client, bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self._sleep, self._attempts, self._backoff = sleep, attempts, backoff

    def _call(self, call: Callable[[], T], what: str) -> T:
        return with_retries(call, what, sleep=self._sleep, attempts=self._attempts, backoff=self._backoff)

    def put(self, key: str, body: bytes, content_type: str, cache_control: str, digest: str | None = None) -> None:
        """Upload one object with its headers (`digest`, a directory's ETag, is not needed: S3 computes the MD5)."""
        self._call(lambda: self.client.put_object(
            Bucket=self.bucket, Key=self.prefix + key, Body=body, ContentType=content_type,
            CacheControl=cache_control), f"Failed to upload {self.prefix + key} to {self.bucket}")

    def get(self, key: str) -> bytes | None:
        """Return the bytes of one object, or None when there is none."""
        def call() -> bytes | None:
            try:
                return self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)["Body"].read()
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                    return None
                raise
        return self._call(call, f"Failed to read {self.prefix + key} from {self.bucket}")

    def get_versioned(self, key: str) -> tuple[bytes | None, str | None]:
        """Return the bytes of one object and its ETag, or (None, None) when there is none."""
        def call() -> tuple[bytes | None, str | None]:
            try:
                found = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                    return None, None
                raise
            return found["Body"].read(), found["ETag"]
        return self._call(call, f"Failed to read {self.prefix + key} from {self.bucket}")

    def put_if(self, key: str, body: bytes, content_type: str, cache_control: str, *, if_match: str | None = None,
               if_none_match: bool = False) -> str | None:
        """Upload one object only if it still has ETag `if_match` (or does not exist); return its new ETag, or
        None when the condition failed (someone else wrote it first)."""
        conditions = {"IfMatch": if_match} if if_match else {"IfNoneMatch": "*"} if if_none_match else {}

        def call() -> str | None:
            try:
                return self.client.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=body,
                                              ContentType=content_type, CacheControl=cache_control,
                                              **conditions)["ETag"]
            except ClientError as exc:
                if _condition_failed(exc):
                    return None
                raise
        return self._call(call, f"Failed to upload {self.prefix + key} to {self.bucket}")

    def delete_if(self, key: str, etag: str) -> bool:
        """Delete one object only if it still has ETag `etag`; True when it was deleted."""
        def call() -> bool:
            try:
                self.client.delete_object(Bucket=self.bucket, Key=self.prefix + key, IfMatch=etag)
            except ClientError as exc:
                if _condition_failed(exc) or exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                    return False
                raise
            return True
        return self._call(call, f"Failed to delete {self.prefix + key} from {self.bucket}")

    def copy(self, source: str, key: str, content_type: str, cache_control: str) -> None:
        """Copy an object of this store to another key, replacing its headers."""
        self._call(lambda: self.client.copy_object(
            Bucket=self.bucket, Key=self.prefix + key, CopySource={"Bucket": self.bucket, "Key": self.prefix + source},
            MetadataDirective="REPLACE", ContentType=content_type, CacheControl=cache_control),
            f"Failed to copy {self.prefix + source} to {self.prefix + key} in {self.bucket}")

    def delete(self, keys: Iterable[str]) -> None:
        """Delete objects, a thousand per request."""
        keys = sorted(keys)
        for start in range(0, len(keys), 1000):
            batch = [{"Key": self.prefix + k} for k in keys[start:start + 1000]]
            result = self._call(lambda: self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}),
                f"Failed to delete {len(batch)} objects from {self.bucket}")
            errors = result.get("Errors") or []
            if errors:
                raise PublishError(f"Failed to delete {errors[0].get('Key')} from {self.bucket}: "
                                   f"{errors[0].get('Code')} {errors[0].get('Message', '')}".rstrip())

    def list(self, under: str = "") -> dict[str, str]:
        """Return every key under the prefix (and `under` below it) with its ETag (the MD5 of a single-part upload)."""
        found: dict[str, str] = {}
        token: str | None = None
        while True:
            args = {"Bucket": self.bucket, "Prefix": self.prefix + under, **({"ContinuationToken": token} if token else {})}
            page = self._call(lambda: self.client.list_objects_v2(**args), f"Failed to list {self.bucket}/{self.prefix}")
            for item in page.get("Contents", []):
                found[item["Key"][len(self.prefix):]] = item["ETag"].strip('"')
            token = page.get("NextContinuationToken")
            if not page.get("IsTruncated") or not token:
                return found

    def folders(self, under: str) -> list[str]:
        """Return the names of the folders right under `under` (a `Delimiter="/"` listing: names only)."""
        found: list[str] = []
        token: str | None = None
        start = len(self.prefix + under)
        while True:
            args = {"Bucket": self.bucket, "Prefix": self.prefix + under, "Delimiter": "/",
                    **({"ContinuationToken": token} if token else {})}
            page = self._call(lambda: self.client.list_objects_v2(**args),
                              f"Failed to list {self.bucket}/{self.prefix + under}")
            found += [p["Prefix"][start:].rstrip("/") for p in page.get("CommonPrefixes", [])]
            token = page.get("NextContinuationToken")
            if not page.get("IsTruncated") or not token:
                return found

    def version(self, key: str) -> str | None:
        """Return the ETag of one object (one HEAD), or None when there is none."""
        def call() -> str | None:
            try:
                return self.client.head_object(Bucket=self.bucket, Key=self.prefix + key)["ETag"].strip('"')
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                    return None
                raise
        return self._call(call, f"Failed to read the version of {self.prefix + key} in {self.bucket}")

    def head(self, key: str) -> dict[str, Any]:
        """Return the stored headers of one object (ContentType, CacheControl, ...)."""
        return self._call(lambda: self.client.head_object(Bucket=self.bucket, Key=self.prefix + key),
                          f"Failed to read the headers of {self.prefix + key} in {self.bucket}")

    def ensure_cors(self) -> bool:
        """Let browsers GET objects cross-origin (settings are fetched with fetch()); True if it changed."""
        def current() -> list[dict[str, Any]]:
            try:
                return self.client.get_bucket_cors(Bucket=self.bucket).get("CORSRules", [])
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") == "NoSuchCORSConfiguration":
                    return []
                raise
        rules = self._call(current, f"Failed to read the CORS configuration of {self.bucket}")
        if _cors_allows_get(rules):
            return False
        self._call(lambda: self.client.put_bucket_cors(Bucket=self.bucket, CORSConfiguration={
            "CORSRules": [r for r in rules if r] + CORS_RULES}), f"Failed to configure CORS on {self.bucket}")
        return True


def _cors_allows_get(rules: list[dict[str, Any]]) -> bool:
    """True when some rule already lets any origin GET."""
    return any("GET" in r.get("AllowedMethods", []) and "*" in r.get("AllowedOrigins", []) for r in rules)


def _condition_failed(exc: ClientError) -> bool:
    """True when S3 refused a conditional write: the object changed (412) or a concurrent one won (409)."""
    return exc.response.get("Error", {}).get("Code") in ("PreconditionFailed", "ConditionalRequestConflict", "412",
                                                         "409")
