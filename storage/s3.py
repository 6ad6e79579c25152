"""Objects in an S3 bucket (MinIO in production, SeaweedFS in the tests) via the minio client."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import urllib3
from minio import Minio
from minio.error import MinioException, S3Error
from urllib3.util import Retry, Timeout

from core.settings import Settings
from storage.base import ObjectNotFound, StorageError, validate_key

# Codes meaning "the object is not there" (HEAD answers have no body: minio maps 404 to NoSuchKey).
_MISSING_CODES = frozenset({"NoSuchKey", "NoSuchObject", "NoSuchVersion"})
_CREDENTIAL_CODES = frozenset(
    {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken"}
)


def build_http_client(
    *, connect_timeout: float = 5.0, read_timeout: float = 60.0, retries: int = 3
) -> urllib3.PoolManager:
    """A connection pool that fails in seconds, not minutes, when the endpoint is down.

    minio's own default waits up to 5 min to connect and retries 5 times (~6 s against a closed
    port), which makes a start-up check or a request handler hang.
    """
    return urllib3.PoolManager(
        timeout=Timeout(connect=connect_timeout, read=read_timeout),
        maxsize=10,
        retries=Retry(total=retries, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
    )


class S3Store:
    """One bucket of an S3-compatible server; keys are object names as given."""

    def __init__(self, client: Minio, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def __repr__(self) -> str:
        return f"S3Store(bucket={self.bucket!r})"

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Store:
        """Build the client from ``EIA_S3_*`` settings; no network I/O happens here."""
        try:
            client = Minio(
                settings.s3_endpoint,
                access_key=settings.s3_access_key,
                secret_key=settings.s3_secret_key,
                secure=settings.s3_secure,
                region=settings.s3_region or None,
                http_client=build_http_client(),
            )
        except ValueError as exc:
            raise StorageError(
                f"invalid EIA_S3_ENDPOINT {settings.s3_endpoint!r}: {exc}; "
                "hint: use host:port without a scheme and set EIA_S3_SECURE=true for https"
            ) from exc
        return cls(client, settings.s3_bucket)

    @contextmanager
    def _errors(self, action: str, key: str | None = None) -> Iterator[None]:
        """Turn client and transport failures into ``StorageError`` naming the bucket/key."""
        where = f"s3://{self.bucket}/{key}" if key is not None else f"bucket {self.bucket!r}"
        try:
            yield
        except S3Error as exc:
            if key is not None and exc.code in _MISSING_CODES:
                raise ObjectNotFound(key) from None
            raise StorageError(f"S3 {action} {where} failed: {exc.code}: {exc.message}") from exc
        except (MinioException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise StorageError(f"S3 {action} {where} failed: {exc}") from exc

    def put(self, key: str, data: bytes, content_type: str) -> None:
        validate_key(key)
        with self._errors("put", key):
            self.client.put_object(
                self.bucket,
                key,
                io.BytesIO(data),
                length=len(data),
                content_type=content_type or "application/octet-stream",
            )

    def get(self, key: str) -> bytes:
        validate_key(key)
        with self._errors("get", key):
            response = self.client.get_object(self.bucket, key)
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()

    def exists(self, key: str) -> bool:
        validate_key(key)
        try:
            with self._errors("stat", key):
                self.client.stat_object(self.bucket, key)
        except ObjectNotFound:
            return False
        return True

    def delete(self, key: str) -> None:
        validate_key(key)
        with self._errors("delete", key):
            self.client.remove_object(self.bucket, key)  # S3 DELETE of a missing key succeeds

    def keys(self, prefix: str) -> list[str]:
        with self._errors("list", prefix):
            found = self.client.list_objects(self.bucket, prefix=prefix, recursive=True)
            return sorted(str(o.object_name) for o in found if not o.is_dir)

    def ensure_bucket(self) -> None:
        """Create the bucket unless it exists (safe when several processes start at once)."""
        with self._errors("create"):
            try:
                if self.client.bucket_exists(self.bucket):
                    return
                self.client.make_bucket(self.bucket)
            except S3Error as exc:
                if exc.code == "BucketAlreadyOwnedByYou":
                    return
                if exc.code == "BucketAlreadyExists" and self.client.bucket_exists(self.bucket):
                    return  # another process won the race; we can reach it, so it is ours
                raise
            except ValueError as exc:  # the client refuses an invalid bucket name
                raise StorageError(f"invalid bucket name {self.bucket!r}: {exc}") from exc

    def check(self) -> None:
        try:
            self.ensure_bucket()
        except StorageError as exc:
            cause = exc.__cause__
            if isinstance(cause, S3Error) and cause.code in _CREDENTIAL_CODES:
                hint = "check EIA_S3_ACCESS_KEY / EIA_S3_SECRET_KEY (and EIA_S3_REGION)"
            elif isinstance(cause, ValueError):
                hint = "set EIA_S3_BUCKET to 3-63 lowercase letters, digits, '.' or '-'"
            elif isinstance(cause, S3Error):
                hint = "check EIA_S3_BUCKET and the credentials' permissions on it"
            else:
                hint = (
                    "start the S3 server (MinIO / weed mini) or fix EIA_S3_ENDPOINT "
                    "(host:port) and EIA_S3_SECURE"
                )
            raise StorageError(f"object store unusable: {exc}; hint: {hint}") from exc

    def presigned_get_url(self, key: str, expires: timedelta) -> str:
        """A URL anyone can GET the object with until ``expires`` (1 s to 7 days) has passed."""
        validate_key(key)
        with self._errors("presign", key):
            return self.client.presigned_get_object(self.bucket, key, expires=expires)
