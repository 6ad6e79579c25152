"""Object storage behind one interface: a filesystem folder or an S3 bucket."""

from storage.base import ObjectNotFound, ObjectStore, StorageError, validate_key
from storage.factory import build_store
from storage.filesystem import FilesystemStore
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
