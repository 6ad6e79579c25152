"""Object storage behind one interface: a filesystem folder or an S3 bucket.

``S3Store`` (the minio client, ~0.1 CPU-s to import) is imported on first use: the embedded
mode's processes store in a folder."""

from typing import TYPE_CHECKING

from storage.base import ObjectNotFound, ObjectStore, StorageError, validate_key
from storage.factory import build_store
from storage.filesystem import FilesystemStore

if TYPE_CHECKING:
    from storage.s3 import S3Store

__all__ = [
    "FilesystemStore",
    "ObjectNotFound",
    "ObjectStore",
    "S3Store",
    "StorageError",
    "build_store",
    "validate_key",
]


def __getattr__(name: str) -> object:
    if name == "S3Store":
        from storage.s3 import S3Store

        return S3Store
    raise AttributeError(f"module 'storage' has no attribute {name!r}")
