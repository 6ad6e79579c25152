"""Derive ``approvals/items/<code>.yaml`` from the model catalogue ``shared/domain/items.yaml``.

Run once by hand: ``.venv/bin/python scripts/build_items.py [ITEMS_YAML]``. Afterwards the item
files are the source of truth and are edited directly (bump ``version`` on every change); this
script stays to document how each fact was derived. Tests do not run it.

Rules (besides copying names, legal basis, notes and sources):
* process kind from the category: 行政许可 → standard (EIA-07 告知承诺 → commitment); 备案/登记 →
  filing; 公共服务 → service; 其他行政权力 → standard and 行政奖励 → service (both inferred);
  已取消/历史事项 → abolished; 省级决定, 市级转报 → provincial.
* limits: ``counts_working_days`` gives the unit; a filing without a statutory period gets 0 (on
  the spot); a 行政许可 without one gets the 行政许可法第42条 general 20 days (inferred); other
  powers and services without one keep None.
* clock stops and public notices are mapped onto the vocabularies of
  ``approvals.catalogue.schema``; detail that does not fit a name goes into the limit's note.
* materials get ASCII slugs; (涉及时)/(如已评审)/(如有)/(如适用) wording makes them optional.
  EIA-02/EIA-04 material names say 报告书 in items.yaml (a copy slip); corrected to 报告表.
* every fact gets a confidence marker found / legal / inferred: the weakest of its parts.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from approvals.catalogue.schema import Item  # noqa: E402

SOURCE = ROOT.parent / "shared" / "domain" / "items.yaml"
TARGET = ROOT / "approvals" / "items"
ITEMS_REF = "shared/domain/items.yaml (model catalogue, 2021)"
RANK = {"inferred": 0, "found": 1, "legal": 2}
FIVE = ["acceptance_notice", "correction_notice", "refusal_notice", "approval", "denial"]


def weakest(*marks: str) -> str:
    return min(marks, key=RANK.__getitem__) if marks else "inferred"


# -- process kind and status -----------------------------------------------------------------
KIND = {
    "行政许可": "standard",
    "其他行政权力": "standard",
    "其他行政权力(备案)": "filing",
    "其他行政权力(登记)": "filing",
    "行政奖励": "service",
    "公共服务": "service",
    "公共服务(依申请)": "service",
    "行政许可(历史事项)": "standard",
    "行政许可(已取消)": "standard",
    "行政许可(省级决定, 市级转报)": "standard",
}
KIND_EVIDENCE = {"行政许可": "legal", "其他行政权力(备案)": "legal"}
STATUS_NOTES = {
    "OT-02": (
        "abolished",
        "已取消（历史事项，使用前需核实）：2020年9月1日施行的修订后《固体废物污染环境防治法》已无"
        "工业固体废物污染防治设施关闭、闲置或者拆除的核准，生活垃圾处理设施由环境卫生主管部门商"
        "生态环境主管部门核准；2019年政务公开标准指引仍列此项。现应：生活垃圾处理设施向环境卫生"
        "主管部门申请；排污单位污染防治设施变化按排污许可证变更（PW-04）或重新申请（PW-03）办理"
        "（inferred）。",
    ),
    "OT-09": (
        "abolished",
        "已取消：噪声污染防治设施验收随2018年12月29日《环境噪声污染防治法》修正取消，固体废物"
        "污染防治设施验收随2020年9月1日施行的修订后《固体废物污染环境防治法》取消。现由建设单位"
        "依《建设项目竣工环境保护验收暂行办法》自主验收，验收报告公开不少于20个工作日，无需向"
        "生态环境局申请。",
    ),
    "HW-10": (
        "provincial",
        "省级决定：危险废物跨省转移由移出地省级生态环境主管部门（河南省生态环境厅）审批，接受地"
        "省级部门复函后作出决定（《危险废物转移管理办法》第21-27条，2022年1月1日施行；2021年适用"
        "原《危险废物转移联单管理办法》）。市局仅受理初审并转报（inferred），请向河南省生态环境厅"
        "申请。",
    ),
    "OT-03": ("active", "出具部门各地不同，郑州可能由住房城乡建设部门出具（inferred，待核实）。"),
}


def process_kind(raw: dict[str, Any]) -> str:
    return "commitment" if raw["id"] == "EIA-07" else KIND[raw["category"]]


# -- limits ------------------------------------------------------------------------------------
# code: (days, evidence, extra note); absent codes copy statutory_days with evidence "legal".
PW9 = "材料不全的, 当场或3日内一次性告知补正(排污许可管理条例第9条)"
S42 = "法规未规定办理时限；适用行政许可法第42条一般时限20日 (inferred)"
STATUTORY = {
    "PW-01": (30, "legal", PW9),
    "PW-02": (20, "legal", PW9),
    "PW-03": (30, "legal", PW9),
    "PW-04": (20, "inferred", ""),
    "PW-06": (20, "inferred", S42),
    "PW-07": (20, "inferred", S42),
    "PW-08": (0, "inferred", ""),
    "HW-04": (20, "inferred", ""),
    "HW-06": (20, "inferred", S42 + "；注销前须现场核查"),
    "HW-07": (20, "inferred", ""),
    "RD-03": (20, "inferred", ""),
    "RD-04": (20, "inferred", S42 + "；另须在原证有效期届满前作出决定(行政许可法第50条)"),
    "RD-05": (20, "inferred", S42),
    "WT-01": (20, "found", ""),
    "OT-02": (20, "inferred", ""),
    "OT-06": (5, "found", ""),
}
NO_LIMIT = "法规未规定办理时限 (inferred)"


def statutory(raw: dict[str, Any], kind: str) -> dict[str, Any]:
    code, days = raw["id"], raw.get("statutory_days")
    days, mark, extra = STATUTORY.get(code, (days, "legal", ""))
    if days is None and kind == "filing":
        days, mark, extra = 0, "inferred", "法规未规定办理时限；备案网上提交即出具回执 (inferred)"
    elif days is None:
        mark, extra = "inferred", NO_LIMIT
    note = "; ".join(n for n in (raw.get("statutory_days_note", ""), extra) if n)
    unit = "working" if raw.get("counts_working_days", True) else "calendar"
    return {"days": days, "unit": unit, "note": note, "evidence": mark}


# -- clock stops and public notices ------------------------------------------------------------
STOPS = {  # items.yaml wording -> vocabulary names
    "补正(补正期间未受理/受理后要求补充材料)": ["补正"],
    "补件": ["补正"],
    "补正(3日内一次性告知)": ["补正"],
    "专家咨询": ["专家评审"],
    "报告书修改": ["报告修改"],
    "公示期(若先公示后批)": ["公示期"],
    "技术评估(可委托, 不向企业收费)": ["技术评估"],
    "现场核查(重点)": ["现场核查"],
    "现场核查(inferred)": ["现场核查"],
    "专家评审/征求意见": ["专家评审", "征求有关部门意见"],
    "现场核查/专家": ["现场核查", "专家评审"],
    "专家评审/现场核查(inferred)": ["专家评审", "现场核查"],
    "排污口设置论证专家评审": ["专家评审"],
}
STOP_EVIDENCE = {
    "补正": "legal",
    "技术评估": "legal",
    "专家评审": "legal",
    "听证": "legal",
    "征求第三方意见": "legal",
    "接受地省级复函": "legal",
    "公示期": "found",
    "报告修改": "found",
    "现场踏勘": "found",
}  # others (现场核查: counted inside the limit by some laws; 征求有关部门意见) are inferred


def clock_stops(raw: dict[str, Any]) -> tuple[list[str], str]:
    names: list[str] = []
    for text in raw["clock_stops"]:
        names += [n for n in STOPS.get(text, [text]) if n not in names]
    marks = [STOP_EVIDENCE.get(n, "inferred") for n in names]
    inferred = any("inferred" in t for t in raw["clock_stops"])
    return names, weakest(*marks, *(["inferred"] if inferred or not names else []))


BOOK = "受理公示及环评文件全本（报告书不少于10个工作日）"
FORM = "受理公示及环评文件全本"
PRE = "拟批准公示（5个工作日，告知听证权）"
DECISION = "审批决定公告"
PW_NOTICES = [
    "申请前公开单位基本信息和拟申请许可事项（申请人，排污许可平台）",
    "受理决定在排污许可平台公开",
    "许可证信息公开",
]
NOTICES = {  # items.yaml wording -> vocabulary names
    "受理公示+报告书全本(公众参与办法: 不少于10个工作日)": [BOOK],
    "受理公示+全本": [BOOK],
    "受理公示(含报告表全本)": [FORM],
    "受理/公示(各地不同: 先公示后批或先批后公示)": [FORM],
    "受理公示": [BOOK],
    "拟批准公示(5个工作日, 告知听证权)": [PRE],
    "拟批准公示(5个工作日)": [PRE],
    "拟批准公示5个工作日": [PRE],
    "审批决定公告(作出决定后; 生态环境部实践公告期7日)": [DECISION],
    "同新报批": [BOOK, PRE, DECISION],
    "同首次申请": PW_NOTICES,
    "审核意见公开(inferred)": ["审查意见公开"],
    "审查意见公开(inferred)": ["审查意见公开"],
    "评审结果公开(inferred)": ["审查意见公开"],
    "事后核查结果(inferred)": ["事后核查结果公开"],
    "备案信息网上公开": ["备案（登记）信息公开"],
    "inferred: 备案信息公开": ["备案（登记）信息公开"],
    "平台公开": ["备案（登记）信息公开"],
    "申请前在平台公开单位基本信息和拟申请许可事项": PW_NOTICES[:1],
    "受理/不予受理决定在全国排污许可证管理信息平台公开": PW_NOTICES[1:2],
    "受理决定平台公开": PW_NOTICES[1:2],
    "受理通知书": ["受理情况公开"],
    "受理公示(inferred)": ["受理情况公开"],
    "向有关部门和专家征求意见、决定前公示": ["决定前公示"],
    "送达": ["送达信息公开"],
    "审批结果公开": ["办理结果公开"],
    "许可结果公开(inferred)": ["办理结果公开"],
    "评级结果公示(inferred)": ["办理结果公开"],
    "评价结果公开(inferred)": ["办理结果公开"],
    "建设单位自主验收报告公示≥20个工作日": ["建设单位自主验收报告公示（不少于20个工作日）"],
    "答复函公开(20个工作日内, 政务公开目录)": ["答复函公开（20个工作日内）"],
    "施工现场公示(施工单位)": ["施工现场公示（施工单位）"],
}
LICENCE_NOTICE = ("核发信息公开", "许可证信息公示(颁证并公告)", "颁证公告", "换证公告", "注销公告")
for _text in (*LICENCE_NOTICE, "变更信息平台公开", "延续信息平台公开", "注销信息平台公开"):
    NOTICES[_text] = ["许可证信息公开"]
NOTICES |= {"注销公告(inferred)": ["许可证信息公开"], "变更信息公开": ["许可证信息公开"]}


def public_notices(raw: dict[str, Any]) -> tuple[list[str], str]:
    names: list[str] = []
    for text in raw["public_notice"]:
        if raw["id"] in ("EIA-02", "EIA-04") and text == "受理公示+全本":
            text = "受理公示(含报告表全本)"
        names += [n for n in NOTICES.get(text, [text]) if n not in names]
    texts = raw["public_notice"]
    shaky = not texts or raw["id"] == "EIA-07" or any("inferred" in t for t in texts)
    legal = raw["group"] == "排污许可" or raw["id"] in ("EIA-08", "HW-10", "OT-03", "OT-09")
    return names, "inferred" if shaky else "legal" if legal else "found"


# -- materials ---------------------------------------------------------------------------------
REPORT_SPLIT = (
    "环境影响报告书(报批稿)全本及删除涉密/商业秘密内容后的公开版本",
    "环境影响报告表(报批稿)及公开版本",
)
SLUGS = {  # items.yaml wording -> slug (the name is kept as written)
    "建设项目环境影响评价文件审批申请表/报批申请书(加盖公章)": "application_form",
    "删除内容说明及公开版本承诺(公开全本的说明)": "deletion_statement",
    "删除内容说明": "deletion_statement",
    "公众参与说明(报告书必备)": "public_participation",
    "建设项目环境影响报告书审批基础信息表(2021-04-01启用版)": "basic_info_form",
    "建设项目环评审批基础信息表": "basic_info_form",
    "技术评估/专家评审意见及修改说明(如已评审)": "expert_opinion",
    "项目备案/核准/审批文件(投资项目代码)": "project_approval",
    "建设项目依据文件": "project_approval",
    "重点污染物总量指标来源说明(涉及时)": "total_quantity_source",
    "总量来源说明(涉及时)": "total_quantity_source",
    "营业执照/统一社会信用代码": "business_licence",
    "法人证书/营业执照及法定代表人身份证明": "business_licence",
    "变更后营业执照/法人证书": "business_licence",
    "原环评批复文件": "original_approval",
    "重大变动情况说明": "major_change_statement",
    "原环境影响评价文件及批复": "original_eia_and_approval",
    "项目及周边环境变化情况说明": "environment_change_statement",
    "建设项目环境影响评价文件审批告知承诺书(建设单位签章)": "commitment_letter",
    "位于园区及符合规划环评的说明(inferred)": "park_plan_conformity_statement",
    "在线填报的环境影响登记表": "registration_form",
    "排污登记表(平台在线填报)": "registration_form",
    "机械信息在线登记": "registration_form",
    "环境影响后评价文件": "post_evaluation_report",
    "审查请示或公函": "review_request_letter",
    "规划环境影响报告书": "plan_eia_report",
    "规划草案": "draft_plan",
    "自行监测方案": "self_monitoring_plan",
    "守法承诺书(法定代表人签字)": "compliance_commitment",
    "排污口和监测孔规范化设置情况说明": "outlet_and_sampling_port_statement",
    "环评批复或登记表备案材料": "eia_approval_or_filing",
    "城镇/工业污水集中处理设施的纳污范围、管网说明(如适用)": "sewage_plant_catchment_statement",
    "重点污染物总量指标削减替代说明(新改扩建, 如适用)": "total_quantity_offset_statement",
    "申请前信息公开情况说明(重点管理)": "pre_application_disclosure_statement",
    "变更事项证明材料(营业执照等)": "change_evidence",
    "工商变更证明": "change_evidence",
    "执行报告/守法情况说明": "execution_report",
    "停产/关闭证明": "closure_evidence",
    "遗失声明": "loss_declaration",
    "法人证明": "legal_person_certificate",
    "技术人员(3名以上中级职称且3年经验)证明": "technical_staff_evidence",
    "运输资质/车辆证明": "transport_qualification",
    "包装工具、中转和临时存放设施/贮存设施、处置设施说明": "facilities_description",
    "经营设施环评批复及验收材料": "facility_eia_and_acceptance",
    "管理制度、污染防治措施和事故应急救援措施": "management_and_emergency_measures",
    "原许可证": "original_licence",
    "许可证正副本": "original_licence",
    "经营情况记录": "operation_records",
    "残余危废处置及场所污染防治措施说明": "residual_waste_statement",
    "贮存现状与风险防控措施": "storage_risk_measures",
    "危险废物管理计划(系统填报)": "management_plan",
    "应急预案及防范措施": "emergency_plan",
    "环境应急预案及编制说明": "emergency_plan",
    "移出人/接受人危废经营许可证": "parties_licences",
    "运输合同": "transport_contract",
    "经批准的环境影响评价文件": "approved_eia",
    "现有及拟新增放射源和射线装置明细表": "source_and_device_inventory",
    "辐射安全与防护管理机构、人员培训、防护设施、监测仪器、规章制度、应急措施等证明材料": (
        "radiation_safety_evidence"
    ),
    "上一年度辐射安全和防护状况评估报告": "annual_assessment_report",
    "年度评估报告(每年1月31日前, inferred)": "annual_assessment_report",
    "有效期内监测报告": "monitoring_reports",
    "辐射安全防护工作总结": "protection_work_summary",
    "放射源/射线装置处置(交回、转让、退役)证明": "source_disposal_evidence",
    "入河排污口设置论证报告": "outfall_demonstration_report",
    "与第三者利害关系协议(如有)": "third_party_agreement",
    "处理设施、场地、人员、环评等证明材料": "facilities_and_staff_evidence",
    "替代污染防治措施": "alternative_measures",
    "连续作业必要性证明": "necessity_evidence",
    "降噪措施": "noise_mitigation_measures",
    "周边居民告知": "residents_notice",
    "土壤污染状况调查报告": "soil_survey_report",
    "环境风险评估报告": "risk_assessment_report",
    "环境应急资源调查报告": "emergency_resources_survey",
    "预案评审意见": "plan_review_opinion",
    "治理设施与监测数据": "control_facilities_and_monitoring_data",
    "身份证明": "identity_document",
    "举报内容、地点、线索": "complaint_details",
    "举报人信息": "reporter_information",
    "查处结果": "enforcement_result",
    "申报材料": "application_form",
}
OPTIONAL = {
    "(涉及时)": "涉及时提交",
    "(如已评审)": "已开展技术评估或专家评审的提交",
    "(如有)": "有利害关系第三者时提交",
    "如适用": "适用时提交",
}
# Wording that depends on the item: (code, slug) -> (required, note)
CONDITIONAL = {
    ("EIA-05", "public_participation"): (False, "原文件为报告书时必备"),
    ("PW-03", "pre_application_disclosure_statement"): (False, "重点管理时提交"),
}
# fmt: off
MATERIAL_EVIDENCE = {  # absent codes: inferred (typical guide lists, not Zhengzhou's own)
    "EIA-08": "legal", "PW-01": "legal", "PW-02": "legal", "PW-03": "legal", "PS-01": "legal",
    "HW-01": "legal", "HW-02": "legal", "HW-03": "legal", "RD-01": "found", "RD-02": "found",
    "RD-04": "found", "OT-06": "found", "WT-01": "found",
}
# fmt: on


def _report_names(code: str) -> tuple[str, str]:
    kind = {"EIA-02": "报告表", "EIA-04": "报告表", "EIA-05": "报告书（表）", "EIA-07": "报告表"}
    doc = f"环境影响{kind.get(code, '报告书')}(报批稿)"
    return f"{doc}全本", f"{doc}公开版本(删除涉及国家秘密、商业秘密等内容)"


def materials(raw: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    code, specs = raw["id"], []
    for text in raw["typical_materials"]:
        if text in REPORT_SPLIT:
            full, public = _report_names(code)
            specs += [
                {"code": "report_full_text", "name": full, "required": True, "note": ""},
                {"code": "public_version", "name": public, "required": True, "note": ""},
            ]
            continue
        if code in ("EIA-02", "EIA-04") and "报告书" in text:
            text_out = text.replace("报告书", "报告表")
        else:
            text_out = text
        slug = SLUGS.get(text) or ("application_form" if "申请" in text else None)
        if slug is None:
            raise SystemExit(f"{code}: no slug for material {text!r}")
        note = next((n for marker, n in OPTIONAL.items() if marker in text), "")
        required, note = CONDITIONAL.get((code, slug), (not note, note))
        if "inferred" in text_out:  # the marker moves from the visible name into the note
            text_out = text_out.replace("(inferred)", "").replace(", inferred)", ")")
            note = "inferred: 该材料要求为推断, 待核实"
        specs.append({"code": slug, "name": text_out, "required": required, "note": note})
    shaky = any("inferred" in t for t in raw["typical_materials"]) or not specs
    return specs, "inferred" if shaky else MATERIAL_EVIDENCE.get(code, "inferred")


# -- documents, series, fee --------------------------------------------------------------------
# fmt: off
LICENCE_CERTIFICATE = {"PW-01", "PW-02", "PW-03", "PW-04", "PW-05", "PW-07", "HW-01", "HW-02",
                       "HW-03", "HW-04", "HW-05", "RD-01", "RD-02", "RD-03", "RD-04", "OT-01"}
# fmt: on
OPINION = {
    "EIA-10": ["review_opinion"],
    "OT-04": ["review_opinion"],
    "OT-07": ["review_opinion"],
    "OT-03": ["certificate"],
}


def documents(raw: dict[str, Any], kind: str, status: str) -> tuple[list[str], list[str]]:
    code = raw["id"]
    if status == "abolished":
        return [], []
    if status == "provincial":
        return [], ["forwarding_letter"]
    if kind == "commitment":
        return FIVE[:4], ["revocation_decision", "conversion_notice"]
    if kind == "filing":
        return [], ["filing_receipt"]
    if kind == "service":
        docs = ["correction_notice"] if code == "PS-01" else []  # 信息公开条例第30条 补正告知
        return docs, ["reward_decision" if code == "PS-03" else "reply_letter"]
    return list(FIVE), ["licence_certificate"] if code in LICENCE_CERTIFICATE else OPINION.get(
        code, []
    )


def decision_series(raw: dict[str, Any], kind: str, status: str) -> str:
    """机关代字 (all inferred): one series per group and kind of document."""
    if kind == "filing":
        return "郑环备"
    if kind == "service" or status == "provincial":
        return "郑环函"
    if raw["group"] == "环评审批":
        return "郑环审"
    return "郑环许" if raw["category"].startswith("行政许可") else "郑环函"


EIA_FEE = "不收费（《环境影响评价法》第22条、《建设项目环境保护管理条例》第12条）"
FEES = {
    "EIA-10": (
        "不收费（审查费从规划环评编制费用中列支，《专项规划环境影响报告书审查办法》第9条）",
        "legal",
    ),
    "PS-01": (
        "不收费（《政府信息公开条例》第42条；申请数量、频次明显超过合理范围的可收取信息处理费）",
        "legal",
    ),
}


def fee(raw: dict[str, Any]) -> tuple[str, str]:
    code = raw["id"]
    if code in FEES:
        return FEES[code]
    if raw["group"] == "环评审批" and code != "EIA-09":
        return EIA_FEE, "legal"
    if raw["category"].startswith("行政许可"):
        return "不收费（《行政许可法》第58条）", "legal"
    return "不收费（inferred：未见收费依据）", "inferred"


# -- evidence and sources ----------------------------------------------------------------------
# fmt: off
ITEM_EVIDENCE = {  # that the bureau handles the item at all; absent codes: found
    **dict.fromkeys(("EIA-05", "EIA-06", "EIA-08", "PW-03", "PW-04", "PW-05", "PW-08", "HW-02",
                     "HW-03", "HW-04", "HW-05", "HW-06", "HW-07", "HW-08", "HW-09", "HW-10",
                     "RD-02", "RD-03", "RD-04", "OT-01", "OT-04", "OT-05", "OT-09", "PS-01"),
                    "legal"),
    **dict.fromkeys(("PW-07", "RD-05", "OT-03", "OT-07", "OT-08", "PS-03", "PS-05", "PS-08"),
                    "inferred"),
}
# fmt: on
BASIS_INFERRED = {"OT-07", "OT-08", "PS-02", "PS-03", "PS-08"}
BASIS_FOUND = {"EIA-07", "OT-02", "PS-06", "WT-01"}
EXPERT_EVIDENCE = {
    **dict.fromkeys(("EIA-01", "EIA-02", "EIA-03", "EIA-04", "EIA-05", "EIA-10", "OT-04"), "legal"),
    **dict.fromkeys(("EIA-07", "HW-01", "HW-02", "HW-03", "HW-05", "WT-01"), "found"),
}
STATUS_EVIDENCE = {"OT-02": "inferred", "OT-09": "inferred", "HW-10": "legal"}


def evidence(raw: dict[str, Any], kind: str, marks: dict[str, str]) -> dict[str, str]:
    code, category = raw["id"], raw["category"]
    item = ITEM_EVIDENCE.get(code, "found")
    basis = "inferred" if code in BASIS_INFERRED else "found" if code in BASIS_FOUND else "legal"
    licensing = kind == "standard" and category == "行政许可"
    return {
        "item": item,
        "legal_basis": basis,
        "statutory": marks["statutory"],
        "promised": marks["promised"],
        "clock_stops": marks["clock_stops"],
        "public_notices": marks["public_notices"],
        "materials": marks["materials"],
        "documents": "legal" if licensing else "inferred",  # 行政许可法第32、38条 vouchers
        "decision_series": "inferred",  # 郑环审〔2021〕N号 not confirmed in any source
        "process_kind": "found"
        if kind == "commitment"
        else KIND_EVIDENCE.get(category, "inferred"),
        "status": STATUS_EVIDENCE.get(code, item),
        "needs_expert_review": EXPERT_EVIDENCE.get(code, "inferred"),
        "fee": marks["fee"],
    }


def sources(raw: dict[str, Any], law: dict[str, Any]) -> list[str]:
    found = [str(s) for s in raw.get("sources") or []]
    extra = [f"{ITEMS_REF} {raw['id']}"]
    if "第42条" in law["note"] or raw["id"] in STATUS_NOTES:
        extra.append("shared/domain/LAW_AND_PRACTICE.md §1.2, §3.1")
    return found + [s for s in extra if s not in found]


# -- assembly ----------------------------------------------------------------------------------
def build(raw: dict[str, Any]) -> dict[str, Any]:
    """The item file's content for one items.yaml entry."""
    code, kind = raw["id"], process_kind(raw)
    status, note = STATUS_NOTES.get(code, ("active", ""))
    law = statutory(raw, kind)
    unit = "working" if raw.get("counts_working_days", True) else "calendar"
    days = raw.get("promised_days")
    promised_note = raw.get("promised_days_note") or ("与法定时限相同 (inferred)" if days else "")
    promised = {
        "days": days,
        "unit": unit,
        "note": promised_note,
        "evidence": "legal" if code == "EIA-08" else "inferred",
    }
    stops, stops_mark = clock_stops(raw)
    notices, notices_mark = public_notices(raw)
    specs, specs_mark = materials(raw)
    fee_text, fee_mark = fee(raw)
    docs, future = documents(raw, kind, status)
    marks = {
        "statutory": law["evidence"],
        "promised": promised["evidence"],
        "fee": fee_mark,
        "clock_stops": stops_mark,
        "public_notices": notices_mark,
        "materials": specs_mark,
    }
    return {
        "code": code,
        "version": 1,
        "name_zh": raw["name_zh"],
        "name_en": raw["name_en"],
        "category": raw["category"],
        "group": raw["group"],
        "status": status,
        "status_note": note,
        "process_kind": kind,
        "legal_basis": [str(b) for b in raw["legal_basis"]],
        "statutory": law,
        "promised": promised,
        "clock_stops": stops,
        "public_notices": notices,
        "materials": specs,
        "documents": docs,
        "future_documents": future,
        "decision_series": decision_series(raw, kind, status),
        "needs_expert_review": bool(raw["needs_expert_review"]),
        "fee": fee_text,
        "evidence": evidence(raw, kind, marks),
        "sources": sources(raw, law),
    }


def render(raw: dict[str, Any], content: dict[str, Any]) -> str:
    header = (
        f"# {content['code']} {content['name_zh']}\n"
        "# Generated once by scripts/build_items.py from shared/domain/items.yaml; this file is\n"
        "# now the source of truth: edit it directly and bump `version`.\n"
        f"# items.yaml evidence: {raw.get('evidence', '')}\n"
    )
    return header + yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=100)


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else SOURCE
    catalogue = yaml.safe_load(source.read_text(encoding="utf-8"))
    entries = catalogue["items"]
    if len(entries) != catalogue["meta"]["count"]:
        raise SystemExit(
            f"{source}: {len(entries)} items but meta.count is {catalogue['meta']['count']}"
        )
    contents = [build(raw) for raw in entries]
    for content in contents:  # validate everything before writing anything
        Item.model_validate(content)
    TARGET.mkdir(parents=True, exist_ok=True)
    for raw, content in zip(entries, contents, strict=True):
        (TARGET / f"{content['code']}.yaml").write_text(render(raw, content), encoding="utf-8")
    print(f"wrote {len(contents)} item files to {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
