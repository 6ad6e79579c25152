"""Enumerations shared by tables, services and schemas."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    APPLICANT = "applicant"
    INTAKE_OFFICER = "intake_officer"
    CASE_OFFICER = "case_officer"
    SECTION_CHIEF = "section_chief"
    LEADER = "leader"
    AUDITOR = "auditor"
    ADMIN = "admin"
    EXPERT = "expert"  # a member of the bureau's expert pool (sees only its own panels)


ROLE_LABELS: dict[Role, str] = {
    Role.APPLICANT: "申请人（企业）",
    Role.INTAKE_OFFICER: "受理窗口",
    Role.CASE_OFFICER: "承办人",
    Role.SECTION_CHIEF: "科室负责人",
    Role.LEADER: "分管领导",
    Role.AUDITOR: "电子监察",
    Role.ADMIN: "系统管理员",
    Role.EXPERT: "评审专家",
}


class ProcessKind(StrEnum):
    """The process graph a case runs through (approvals.catalogue.process.standard); one per
    item."""

    STANDARD = "standard"  # 受理 → 审查 → 决定 (行政许可 and review-type powers)
    COMMITMENT = "commitment"  # 告知承诺制 fast track
    FILING = "filing"  # 备案/登记: instant receipt with a filing number
    SERVICE = "service"  # 公共服务: assigned → answered within its limit


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CORRECTION = "correction"
    NOT_ACCEPTED = "not_accepted"
    ACCEPTED = "accepted"
    DRAFTING = "drafting"
    REVIEWING = "reviewing"
    SIGNING = "signing"
    ISSUING = "issuing"
    APPROVED = "approved"
    DENIED = "denied"
    FILING = "filing"  # filing kind: the receipt is being issued
    FILED = "filed"  # filing kind: done (备案完成)
    ANSWERING = "answering"  # service kind: the case officer prepares the reply
    ANSWERED = "answered"  # service kind: the reply was sent (已答复)
    POST_CHECK = "post_check"  # commitment kind: decided; the post-approval check is open
    CLOSED = "closed"  # commitment kind: the check found the commitment true (已核查办结)
    REVOKING = "revoking"  # commitment kind: the 撤销决定书 is being issued
    REVOKED = "revoked"  # commitment kind: the decision was revoked
    JOINT_REVIEW = "joint_review"  # standard kind: the drawn expert panel reviews (clock paused)
    REVISION = "revision"  # the applicant revises the report after "pass after revision"
    REVISION_REVIEW = "revision_review"  # the panel chair confirms the revision
    WITHDRAWN = "withdrawn"  # the applicant withdrew the draft before submitting it (no result)
    RETURNED = "returned"  # 容缺受理: owed materials not supplied in time, case returned (退件)


STATUS_LABELS: dict[Status, str] = {
    Status.DRAFT: "草稿",
    Status.SUBMITTED: "待受理",
    Status.CORRECTION: "待补正",
    Status.NOT_ACCEPTED: "不予受理",
    Status.ACCEPTED: "已受理（制发受理通知书）",
    Status.DRAFTING: "承办拟办",
    Status.REVIEWING: "科室审核",
    Status.SIGNING: "领导签发",
    Status.ISSUING: "制发中",
    Status.APPROVED: "准予许可（已办结）",
    Status.DENIED: "不予许可（已办结）",
    Status.FILING: "备案中（生成回执）",
    Status.FILED: "已备案（已办结）",
    Status.ANSWERING: "办理答复",
    Status.ANSWERED: "已答复（已办结）",
    Status.POST_CHECK: "已批准，待事后核查",
    Status.CLOSED: "事后核查相符（已办结）",
    Status.REVOKING: "撤销决定制发中",
    Status.REVOKED: "已撤销",
    Status.JOINT_REVIEW: "专家远程会审（计时暂停）",
    Status.REVISION: "待申请人修改报告（计时暂停）",
    Status.REVISION_REVIEW: "专家复核修改稿（计时暂停）",
    Status.WITHDRAWN: "已撤回（草稿）",
    Status.RETURNED: "容缺材料逾期未补齐，已退件",
}


class DocumentKind(StrEnum):
    ACCEPTANCE_NOTICE = "acceptance_notice"  # 受理通知书
    CORRECTION_NOTICE = "correction_notice"  # 补正通知书
    REFUSAL_NOTICE = "refusal_notice"  # 不予受理决定书
    APPROVAL = "approval"  # 批复
    DENIAL = "denial"  # 不予批准决定书
    SPECIAL_PROCEDURE_NOTICE = "special_procedure_notice"  # 特别程序告知书（§45 计时暂停）
    FILING_RECEIPT = "filing_receipt"  # 备案回执
    REPLY_LETTER = "reply_letter"  # 答复书
    LICENCE_CERTIFICATE = "licence_certificate"  # 许可证（排污/危废/辐射/电子废物处理资格）
    COMMITMENT_LETTER = "commitment_letter"  # 告知承诺书 (the applicant's, generated)
    COMMITMENT_DECISION = "commitment_decision"  # 告知承诺制审批决定
    REVOCATION_DECISION = "revocation_decision"  # 撤销决定书
    CONVERSION_NOTICE = "conversion_notice"  # 转为一般程序审批告知书
    EXPERT_OPINION = "expert_opinion"  # 专家组评审意见
    HEARING_NOTICE = "hearing_notice"  # 听证通知书（行政许可法第48条）
    HEARING_RECORD = "hearing_record"  # 听证笔录（行政许可法第48条）
    GUIDANCE_OPINION = "guidance_opinion"  # 指导意见（靠前服务，项目前期）


DOCUMENT_LABELS: dict[DocumentKind, str] = {
    DocumentKind.ACCEPTANCE_NOTICE: "受理通知书",
    DocumentKind.CORRECTION_NOTICE: "补正通知书",
    DocumentKind.REFUSAL_NOTICE: "不予受理决定书",
    DocumentKind.APPROVAL: "批复",
    DocumentKind.DENIAL: "不予批准决定书",
    DocumentKind.SPECIAL_PROCEDURE_NOTICE: "特别程序告知书",
    DocumentKind.FILING_RECEIPT: "备案回执",
    DocumentKind.REPLY_LETTER: "答复书",
    DocumentKind.LICENCE_CERTIFICATE: "许可证",
    DocumentKind.COMMITMENT_LETTER: "告知承诺书",
    DocumentKind.COMMITMENT_DECISION: "告知承诺制审批决定书",
    DocumentKind.REVOCATION_DECISION: "撤销决定书",
    DocumentKind.CONVERSION_NOTICE: "转为一般程序审批告知书",
    DocumentKind.EXPERT_OPINION: "专家组评审意见",
    DocumentKind.HEARING_NOTICE: "听证通知书",
    DocumentKind.HEARING_RECORD: "听证笔录",
    DocumentKind.GUIDANCE_OPINION: "建设项目前期指导意见",
}


# The audit action recorded when a document is issued (its comment is the document number);
# not a transition: case timelines leave it out, the event feed lists it.
DOCUMENT_ISSUED = "document_issued"


class DocumentState(StrEnum):
    PENDING = "pending"  # decided; waiting for the issuing flow
    ISSUED = "issued"  # rendered, stored, mail queued
    REVOKED = "revoked"


class Outcome(StrEnum):
    APPROVE = "approve"
    DENY = "deny"


class DispatchState(StrEnum):
    PENDING = "pending"  # committed, waiting for a worker
    CLAIMED = "claimed"  # a worker took it (dispatched_at); retaken once its lease runs out
    DONE = "done"  # the worker's run finished it (flow_run_id)
    DISPATCHED = "dispatched"  # launched as a run of its own (inline mode, older rows)


class WarningLevel(StrEnum):
    NONE = "none"
    YELLOW = "yellow"  # close to the limit, or a step or the promised limit exceeded
    RED = "red"  # the statutory limit exceeded


WARNING_LABELS: dict[WarningLevel, str] = {
    WarningLevel.NONE: "正常",
    WarningLevel.YELLOW: "黄牌预警",
    WarningLevel.RED: "红牌超期",
}


class Track(StrEnum):
    STANDARD = "standard"
    COMMITMENT = "commitment"  # 告知承诺制
    GREEN = "green"  # 绿色通道（特事特办）


TRACK_LABELS: dict[Track, str] = {
    Track.STANDARD: "一般程序",
    Track.COMMITMENT: "告知承诺制",
    Track.GREEN: "绿色通道",
}
