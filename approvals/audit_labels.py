"""The Chinese name of every recorded action that is not a step of a process graph (those are
``approvals.catalogue.process.standard.ACTION_LABELS``): what a timeline, an audit trail and
the JSON ``action_label`` say. A test reads the code for recorded actions and finds each one
here."""

from __future__ import annotations

AUDIT_ACTION_LABELS: dict[str, str] = {
    # the case and its clock
    "postal_dispatch": "登记邮寄结果",
    "clock_pause": "暂停计时（特别程序）",
    "clock_resume": "恢复计时",
    "edit_draft": "修改拟办意见",
    "green_channel": "启用绿色通道（特事特办）",
    "document_issued": "文书已制发送达",
    # 告知承诺制
    "accept_commitment": "确认告知承诺书",
    # 远程会审
    "expert_declined": "专家无法参加，按原种子补抽",
    # 容缺受理
    "tolerance_commitment": "签署容缺受理承诺书",
    "tolerance_supplied": "补交容缺材料",
    "tolerance_settled": "容缺材料已全部补齐",
    "tolerance_suspended": "容缺材料逾期未补齐，暂停办理",
    "credit_list_load": "导入信用名单",
    # 公众参与 and 听证
    "public_comment_response": "答复公众意见",
    "public_comment_hidden": "屏蔽公众意见",
    "pre_approval_notice": "同意拟批准，发布拟批准公示",
    "public_notice_dates_moved": "公示期间前移（演示/测试）",
    "hearing_right": "告知听证权利",
    "hearing_request": "申请听证",
    "hearing_order": "决定举行听证",
    "hearing_withdraw": "撤回听证申请",
    "hearing_scheduled": "安排听证（制发听证通知书）",
    "hearing_held": "举行听证",
    "hearing_confirmation": "确认听证笔录",
    # 好差评
    "rating": "服务评价（好差评）",
    "rating_answered": "差评整改反馈",
    "rating_reply": "企业追评",
    "rating_appeal": "差评申诉复核",
    "rating_appeal_decided": "申诉复核决定",
    # 靠前服务 (前期指导)
    "consultation_requested": "登记项目并申请前期指导",
    "consultation_assigned": "分派前期指导承办人员",
    "consultation_booked": "预约前期指导会商",
    "consultation_guided": "出具前期指导意见",
    "guidance_issued": "前期指导意见已制发送达",
    "consultation_linked": "申请关联前期指导项目",
    # 万人助万企 (重点企业、问题台账) and 帮办代办
    "key_enterprise_assigned": "确定重点企业及包联干部",
    "key_enterprise_removed": "取消重点企业",
    "problem_raised": "登记企业问题",
    "problem_assigned": "交办企业问题",
    "problem_resolved": "企业问题办结",
    "problem_closed": "企业确认问题销号",
    "problem_reopened": "企业问题重新办理",
    "problem_escalated": "企业问题逾期督办",
    "helper_designated": "确定帮办员",
    "helper_authorised": "授权帮办员代办",
    "helper_authorisation_revoked": "撤销帮办代办授权",
    # accounts and enterprises
    "enterprise_registered": "企业注册",
    "email_verified": "验证邮箱",
    "password_changed": "修改密码",
    "sign_in_locked": "连续登录失败，账号锁定",
    "sign_in_unlocked": "解除登录锁定",
    "member_invited": "邀请企业用户",
    "member_enabled": "启用企业用户",
    "member_disabled": "停用企业用户",
    "agent_authorised": "授权代理机构",
    "agent_authorisation_revoked": "撤销代理机构授权",
    "sso_sign_in": "统一身份认证登录",
    "sso_account_created": "统一身份认证开通账号",
    # administration
    "staff_created": "开通工作人员账号",
    "staff_role_changed": "调整工作人员角色",
    "staff_branch_changed": "调整所属单位",
    "staff_disabled": "停用工作人员账号",
    "staff_enabled": "启用工作人员账号",
    "expert_added": "专家入库",
    "expert_availability": "调整专家可否抽取",
    "expert_specialties": "调整专家专业领域",
    "expert_retired": "专家退出专家库",
    "holidays_loaded": "导入节假日安排",
    "fact_verified": "核实事项信息",
    "fact_unverified": "撤销事项信息核实",
    "item_published": "发布事项版本",
    "reference_changed": "修改告知承诺制园区名录或适用范围",
}
