"""Objects as files under one root folder: the embedded default and the development store."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from storage.base import ObjectNotFound, StorageError, validate_key


class FilesystemStore:
    """Each key is a file at ``root / key``; writes are atomic (temp file + ``os.replace``).

    The content type is not recorded: the interface returns bytes only. A key cannot be both an
    object and a prefix of another key (``a`` and ``a/b``) here, unlike on S3; such a ``put``
    raises ``StorageError``. Files are created with mode 0600 (the service owns them).
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"FilesystemStore({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        validate_key(key)
        root = self.root.resolve()
        path = (root / key).resolve()
        # validate_key already refuses '..'; this also catches a symlink pointing outside root.
        if path == root or not path.is_relative_to(root):
            raise ValueError(f"object key escapes the store root: {key!r}")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as tmp:
                    tmp.write(data)
                    tmp.flush()
                    os.fsync(tmp.fileno())
                os.replace(tmp_name, path)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp_name)
                raise
            _fsync_dir(path.parent)
        except OSError as exc:
            raise StorageError(f"cannot write object {key!r} under {self.root}: {exc}") from exc

    def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectNotFound(key) from None
        except OSError as exc:
            raise StorageError(f"cannot read object {key!r} under {self.root}: {exc}") from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            path.unlink()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return  # no object under this key (maybe a prefix of others): nothing to delete
        except OSError as exc:
            raise StorageError(f"cannot delete object {key!r} under {self.root}: {exc}") from exc

    def keys(self, prefix: str) -> list[str]:
        folder, _, start = prefix.rpartition("/")
        base = self._path(folder) if folder else self.root.resolve()
        try:  # as S3 lists: every key with the prefix, in sub-folders too
            names = [
                p.relative_to(base).as_posix() if p.is_file() else ""
                for entry in base.iterdir()
                if entry.name.startswith(start)
                for p in ([entry] if entry.is_file() else sorted(entry.rglob("*")))
            ]
        except (FileNotFoundError, NotADirectoryError):
            return []
        except OSError as exc:
            raise StorageError(f"cannot list {prefix!r} under {self.root}: {exc}") from exc
        keys = (f"{folder}/{name}" if folder else name for name in names if name)
        return sorted(k for k in keys if not k.rsplit("/", 1)[-1].startswith("."))

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(dir=self.root, prefix=".check-", suffix=".tmp")
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise StorageError(
                f"object store folder {self.root} is not usable: {exc}; "
                "hint: set EIA_STORAGE_DIR (or EIA_VAR_DIR) to a writable folder"
            ) from exc


def _fsync_dir(directory: Path) -> None:
    """Persist the rename itself, so a crash after ``put`` returns cannot lose the object."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
