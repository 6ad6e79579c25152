"""API schemas of the exchange features (signed-document verification, project codes, credit
lists, national reporting)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class IssuedDocumentPublic(BaseModel):
    number: str | None = Field(description="文号")
    kind: str = Field(description="文书种类")
    state: str = Field(description="issued 有效 / revoked 已撤销")
    issued_at: datetime | None
    project_name: str


class PdfVerificationPublic(BaseModel):
    """上传PDF核验: the bureau's signature, unchanged since signing, and an issued document."""

    valid: bool = Field(description="本局签发、签名后未改动、文书未被撤销")
    problem: str = Field(description="不通过的原因（中文）；通过时为空")
    signed: bool = Field(description="文件含电子签名")
    intact: bool = Field(description="签名覆盖的内容与签名一致")
    unchanged: bool = Field(description="签名之后文件未被追加或改动")
    trusted: bool = Field(description="签名证书为本局文书签章证书")
    signer: str = Field(description="签名证书持有者")
    signed_at: datetime | None = Field(description="签名时间（签名人声明）")
    sha256: str
    document: IssuedDocumentPublic | None = Field(description="与文件完全一致的已签发文书")
