"""电子证照 as the API shows it (``approvals.licences.elicence``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class LicenceSummaryPublic(BaseModel):
    """电子证照 as verification shows it to anyone."""

    identifier: str = Field(description="电子证照标识（GB/T 36904）")
    name: str = Field(description="证照名称")
    issuer: str = Field(description="颁发机构")
    holder: str = Field(description="持证主体")
    issued_on: str = Field(description="颁发日期")
    effective_on: str = Field(description="有效期起始日期")
    expires_on: str = Field(description="有效期截止日期（或“长期”）")
    status: str = Field(description="证照状态：有效 / 已撤销")
    valid: bool = Field(description="证照有效，且标识与元数据一致")


class LicenceDetailPublic(BaseModel):
    """电子证照 for staff, auditors and the holder: the full GB/T 36903 base metadata."""

    identifier: str
    version: int = Field(description="版本号")
    fields: dict[str, str] = Field(description="GB/T 36903 基础元数据（标准元素名）")
    status: str = Field(description="证照状态：有效 / 已撤销")
    identifier_problem: str = Field(description="标识核对结果：空为一致，否则为原因")
    document_number: str | None = Field(description="文号")
    sha256: str | None = Field(description="所签发PDF的SHA-256")
    package_url: str = Field(description="导出包（ZIP）下载地址")
