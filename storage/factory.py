"""Pick the object store the settings name."""

from __future__ import annotations

from core.settings import Settings, StorageBackend
from storage.base import ObjectStore
from storage.filesystem import FilesystemStore


def build_store(settings: Settings) -> ObjectStore:
    """The configured store, not yet checked: call ``check()`` at start-up."""
    match settings.storage_backend:
        case StorageBackend.FILESYSTEM:
            return FilesystemStore(settings.resolved_storage_dir)
        case StorageBackend.S3:
            from storage.s3 import S3Store  # minio: imported only when it is used

            return S3Store.from_settings(settings)
    raise ValueError(f"unknown storage backend: {settings.storage_backend!r}")
