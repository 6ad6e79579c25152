"""docker-compose.yml, read (there is no Docker engine here): the production shape it starts
must match the settings the code reads, check its services' health, create the bucket, take
every secret from the environment and run several API processes and workers."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import yaml

from core.settings import PROJECT_ROOT, Settings

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
EIA_ENV: dict[str, str] = COMPOSE["x-eia-env"]
SECRETS = {
    "EIA_SECRET_KEY", "EIA_S3_ACCESS_KEY", "EIA_S3_SECRET_KEY",
    "EIA_SMTP_USERNAME", "EIA_SMTP_PASSWORD", "EIA_SIGNING_KEY_PASSPHRASE",
}  # fmt: skip


def test_the_production_services_are_all_there() -> None:
    assert set(SERVICES) == {
        "postgres", "minio", "bucket", "mailpit", "prefect", "migrate", "api", "worker",
    }  # fmt: skip
    assert SERVICES["worker"]["command"] == "eia worker"
    assert SERVICES["migrate"]["command"] == "eia migrate"
    assert (
        "postgresql+asyncpg://"
        in SERVICES["prefect"]["environment"]["PREFECT_API_DATABASE_CONNECTION_URL"]
    )  # the Prefect server on PostgreSQL, not SQLite


def test_every_eia_variable_names_a_setting() -> None:
    fields = {f"EIA_{name.upper()}" for name in Settings.model_fields}
    named = {k for k in EIA_ENV if k.startswith("EIA_")}
    named |= {
        k for s in SERVICES.values() for k in (s.get("environment") or {}) if k.startswith("EIA_")
    }
    assert named - fields == set()
    assert {"EIA_DATABASE_URL", "EIA_DB_POOL_SIZE", "EIA_DB_MAX_OVERFLOW"} <= named


def test_secrets_come_from_the_environment_without_a_fallback() -> None:
    for name in SECRETS:
        assert re.fullmatch(rf"\$\{{{name}:\?[^}}]+\}}", EIA_ENV[name]), EIA_ENV[name]
    minio = SERVICES["minio"]["environment"]
    assert minio["MINIO_ROOT_USER"] == EIA_ENV["EIA_S3_ACCESS_KEY"]  # never a default login
    assert minio["MINIO_ROOT_PASSWORD"] == EIA_ENV["EIA_S3_SECRET_KEY"]


def test_services_others_wait_for_have_health_checks() -> None:
    for name in ("postgres", "minio", "mailpit", "prefect", "api", "worker"):
        assert SERVICES[name].get("healthcheck", {}).get("test"), name
    for service in SERVICES.values():
        for needed, condition in (service.get("depends_on") or {}).items():
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in SERVICES[needed], needed


def test_the_bucket_is_created_before_the_api_and_workers_start() -> None:
    command = " ".join(SERVICES["bucket"]["entrypoint"])
    assert f"mc mb --ignore-existing eia/{EIA_ENV['EIA_S3_BUCKET']}" in command
    for name in ("api", "worker"):
        assert SERVICES[name]["depends_on"]["bucket"] == {
            "condition": "service_completed_successfully"
        }


def test_several_api_processes_and_workers_run() -> None:
    assert int(SERVICES["worker"]["deploy"]["replicas"]) >= 2
    assert int(SERVICES["api"]["environment"]["API_PROCESSES"]) >= 2
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert '--workers \\"$API_PROCESSES\\"' in dockerfile
    assert all(f"COPY {p} {p}" in dockerfile for p in ("flows", "api", "core", "approvals"))


def test_the_api_and_workers_sign_with_the_bureau_key_they_are_given() -> None:
    """Outside the embedded mode issuing refuses to start without a signing key: compose names
    the bureau's key and CA files, and mounts them read-only where they are named."""
    files = [EIA_ENV["EIA_SIGNING_PKCS12_FILE"], EIA_ENV["EIA_SIGNING_TRUST_FILE"]]
    for name in ("api", "worker"):
        mounts = [v.split(":") for v in SERVICES[name]["volumes"]]
        assert all(
            any(f.startswith(target + "/") and mode == "ro" for _, target, mode in mounts)
            for f in files
        ), (name, mounts)
    assert "EIA_SIGNING_SELF_SIGNED" not in EIA_ENV  # never the local CA in production


def test_the_image_copies_every_package_the_project_installs() -> None:
    """The image installs the project from the copied folders: a package left out of the COPY
    lines imports on a developer's machine and fails in the container (exchange_adapters once)."""
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    includes = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = {pattern.rstrip("*") for pattern in includes}
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    copied = set(re.findall(r"^COPY (\w+) \1$", dockerfile, flags=re.MULTILINE))
    assert packages - copied == set()
