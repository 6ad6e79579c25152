"""The object store contract, run against the filesystem store and a real S3 server."""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from core.settings import Settings, StorageBackend
from storage import (
    FilesystemStore,
    ObjectNotFound,
    ObjectStore,
    S3Store,
    StorageError,
    build_store,
)
from tests.fixtures_servers import S3Server, free_port

pytestmark = pytest.mark.integration

BAD_KEYS = [
    "",
    "/absolute/key",
    "a/../b",
    "..",
    "a/..",
    "back\\slash",
    "nul\0byte",
    "line\nbreak",
    "a//b",
    "a/./b",
    "trailing/",
    "k" * 1025,
]


def s3_settings(s3_server: S3Server, **overrides: object) -> Settings:
    values = s3_server.settings_values(f"test-{uuid.uuid4().hex[:12]}") | overrides
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(params=["filesystem", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "filesystem":
        return FilesystemStore(tmp_path / "objects")
    s3_store = S3Store.from_settings(s3_settings(request.getfixturevalue("s3_server")))
    s3_store.check()
    return s3_store


@pytest.fixture
def make_s3_store(s3_server: S3Server) -> Callable[..., S3Store]:
    def make(**overrides: object) -> S3Store:
        return S3Store.from_settings(s3_settings(s3_server, **overrides))

    return make


def test_put_then_get_returns_the_same_100_kb_of_binary(store: ObjectStore) -> None:
    data = os.urandom(100 * 1024)
    store.put("applications/EIA-2025-0001/materials/report.bin", data, "application/octet-stream")
    assert store.get("applications/EIA-2025-0001/materials/report.bin") == data


def test_put_overwrites_an_object_so_a_retry_is_harmless(store: ObjectStore) -> None:
    store.put("documents/2025/hb/1.pdf", b"first", "application/pdf")
    store.put("documents/2025/hb/1.pdf", b"second", "application/pdf")
    assert store.get("documents/2025/hb/1.pdf") == b"second"


def test_exists_tells_whether_an_object_is_stored(store: ObjectStore) -> None:
    assert not store.exists("documents/2025/hb/2.pdf")
    store.put("documents/2025/hb/2.pdf", b"%PDF", "application/pdf")
    assert store.exists("documents/2025/hb/2.pdf")
    assert not store.exists("documents/2025/hb")  # a prefix is not an object


def test_delete_removes_the_object_and_ignores_a_missing_one(store: ObjectStore) -> None:
    store.put("tmp/x.txt", b"x", "text/plain")
    store.delete("tmp/x.txt")
    assert not store.exists("tmp/x.txt")
    store.delete("tmp/x.txt")
    store.delete("never/stored.txt")


def test_keys_lists_the_objects_under_a_prefix(store: ObjectStore) -> None:
    for key in (
        "documents/2025/审/3-bb.pdf",
        "documents/2025/审/3-aa.pdf",
        "documents/2025/审/30-cc.pdf",
    ):
        store.put(key, b"%PDF", "application/pdf")
    assert store.keys("documents/2025/审/3-") == [
        "documents/2025/审/3-aa.pdf",
        "documents/2025/审/3-bb.pdf",
    ]
    assert store.keys("documents/2025/审/4-") == []
    assert store.keys("documents/2024/") == []


def test_get_of_a_missing_key_raises_object_not_found(store: ObjectStore) -> None:
    with pytest.raises(ObjectNotFound) as caught:
        store.get("no/such/object.pdf")
    assert caught.value.key == "no/such/object.pdf"
    assert isinstance(caught.value, StorageError)


@pytest.mark.parametrize("key", BAD_KEYS, ids=repr)
def test_bad_keys_are_rejected_by_every_operation(store: ObjectStore, key: str) -> None:
    with pytest.raises(ValueError):
        store.put(key, b"x", "text/plain")
    with pytest.raises(ValueError):
        store.get(key)
    with pytest.raises(ValueError):
        store.exists(key)
    with pytest.raises(ValueError):
        store.delete(key)


def test_chinese_key_segments_round_trip(store: ObjectStore) -> None:
    key = "documents/2025/郑环审/12号 批复.pdf"
    store.put(key, "批复".encode(), "application/pdf")
    assert store.exists(key)
    assert store.get(key) == "批复".encode()
    store.delete(key)
    assert not store.exists(key)


def test_build_store_follows_the_backend_setting(tmp_path: Path, s3_server: S3Server) -> None:
    filesystem = build_store(Settings(var_dir=tmp_path, storage_backend=StorageBackend.FILESYSTEM))
    assert isinstance(filesystem, FilesystemStore)
    assert filesystem.root == tmp_path / "objects"
    assert isinstance(build_store(s3_settings(s3_server)), S3Store)


# --- filesystem specifics ---------------------------------------------------------------


def test_filesystem_check_creates_the_root_folder(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path / "var" / "objects")
    store.check()
    assert (tmp_path / "var" / "objects").is_dir()


def test_filesystem_check_fails_clearly_when_the_root_is_unusable(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_bytes(b"")
    with pytest.raises(StorageError, match="EIA_STORAGE_DIR"):
        FilesystemStore(tmp_path / "a-file" / "objects").check()


def test_filesystem_refuses_keys_escaping_the_root_through_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "objects").mkdir()
    (tmp_path / "objects" / "link").symlink_to(tmp_path / "outside")
    store = FilesystemStore(tmp_path / "objects")
    with pytest.raises(ValueError, match="escapes"):
        store.put("link/evil.txt", b"x", "text/plain")
    assert not (tmp_path / "outside" / "evil.txt").exists()


def test_filesystem_put_leaves_no_temporary_files(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path)
    for _ in range(3):
        store.put("a/b.bin", b"data", "application/octet-stream")
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["b.bin"]


# --- S3 specifics -----------------------------------------------------------------------


def test_s3_check_creates_a_missing_bucket(make_s3_store: Callable[..., S3Store]) -> None:
    store = make_s3_store()
    assert not store.client.bucket_exists(store.bucket)
    store.check()
    store.check()  # idempotent
    assert store.client.bucket_exists(store.bucket)


def test_s3_check_fails_clearly_against_a_closed_port(
    make_s3_store: Callable[..., S3Store],
) -> None:
    store = make_s3_store(s3_endpoint=f"127.0.0.1:{free_port()}")
    started = time.monotonic()
    with pytest.raises(StorageError, match="hint: start the S3 server"):
        store.check()
    assert time.monotonic() - started < 10


def test_s3_check_fails_clearly_with_wrong_credentials(
    make_s3_store: Callable[..., S3Store],
) -> None:
    with pytest.raises(StorageError, match="EIA_S3_SECRET_KEY"):
        make_s3_store(s3_secret_key="wrong-secret-key").check()


def test_s3_endpoint_with_a_scheme_is_refused_with_a_hint(s3_server: S3Server) -> None:
    with pytest.raises(StorageError, match="without a scheme"):
        S3Store.from_settings(s3_settings(s3_server, s3_endpoint="http://127.0.0.1:9000/x"))


def test_s3_presigned_get_url_is_downloadable(make_s3_store: Callable[..., S3Store]) -> None:
    store = make_s3_store()
    store.check()
    data = os.urandom(100 * 1024)
    store.put("documents/2025/郑环审/12.pdf", data, "application/pdf")
    url = store.presigned_get_url("documents/2025/郑环审/12.pdf", timedelta(minutes=5))
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.read() == data


def test_s3_server_refuses_anonymous_reads_and_writes(
    s3_server: S3Server, make_s3_store: Callable[..., S3Store]
) -> None:
    store = make_s3_store()
    store.check()
    store.put("private.txt", b"secret", "text/plain")
    base = f"http://{s3_server.endpoint}/{store.bucket}"
    anonymous = [
        urllib.request.Request(f"{base}/private.txt"),
        urllib.request.Request(f"{base}/planted.txt", data=b"x", method="PUT"),
    ]
    for request in anonymous:
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=10)
        assert caught.value.code == 403
        caught.value.close()
    assert not store.exists("planted.txt")
