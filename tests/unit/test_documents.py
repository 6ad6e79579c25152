"""Official documents: every template renders to a PDF that says what it must, safely."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
import pytest
from pypdf import PdfReader
from weasyprint import HTML

from core.settings import ASSETS_DIR, TEMPLATES_DIR
from documents.fetcher import (
    AssetsOnlyURLFetcher,
    ForbiddenURLError,
    fetch_url,
    resolve_asset_url,
)
from documents.graphics import fit_form
from documents.render import (
    DocumentRenderError,
    DocumentTemplate,
    cn_date,
    cn_datetime,
    cn_numeral,
    money,
    paragraphs,
    render_html,
    render_pdf,
)

HOSTILE_NAME = '郑州<script>alert(1)</script>&"新材料"项目'
ISSUED = dt.date(2026, 11, 28)


def application(project_name: str = "郑州航空港区年产5万吨高性能复合材料建设项目") -> dict:
    return {
        "number": "ZZHB-2026-000731",
        "item_code": "410100-HP-001",
        "item_name": "建设项目环境影响报告书审批",
        "project_name": project_name,
        "site": "郑州航空港经济综合实验区新港大道与雁鸣路交叉口东北角",
        "district": "郑州航空港经济综合实验区",
        "industry_code": "C2929",
        "total_investment": Decimal("68500"),
        "env_investment": Decimal("1850.5"),
        "consultant": "河南中环环境科技有限公司",
        "applicant_name": "郑州豫新复合材料有限公司",
        "applicant_uscc": "91410100MA9XYZ1234",
        "received_on": dt.date(2026, 9, 3),
        "accepted_on": dt.date(2026, 9, 8),
    }


FAST_TRACK_ITEM = ("410100-HP-007", "建设项目环境影响报告表告知承诺制审批")
ITEMS = {  # the item a document of each new kind is issued for (the others: 报告书审批)
    DocumentTemplate.FILING_RECEIPT: ("410100-HP-008", "建设项目环境影响登记表备案"),
    DocumentTemplate.REPLY_LETTER: ("410100-GG-001", "政府信息公开申请（依申请公开）"),
    DocumentTemplate.LICENCE_CERTIFICATE: ("410100-WF-001", "危险废物经营许可证核发"),
    DocumentTemplate.COMMITMENT_LETTER: FAST_TRACK_ITEM,
    DocumentTemplate.COMMITMENT_DECISION: FAST_TRACK_ITEM,
    DocumentTemplate.REVOCATION_DECISION: FAST_TRACK_ITEM,
    DocumentTemplate.CONVERSION_NOTICE: FAST_TRACK_ITEM,
    DocumentTemplate.DECISION: ("PW-01", "排污许可证核发（首次申请·重点管理）"),
}
# the fast-track (告知承诺制) documents concern a 报告表 project of the scope, in an eligible park
FAST_TRACK_PROJECT = {
    "project_name": "郑州经开区年产30万套汽车精密零部件建设项目",
    "site": "郑州经济技术开发区第九大街与经南八路交叉口西南角",
    "district": "郑州经济技术开发区",
    "industry_code": "C3670",
    "total_investment": Decimal("12800"),
    "env_investment": Decimal("386.4"),
}


def common(kind: DocumentTemplate, project_name: str | None = None) -> dict[str, Any]:
    app = application(project_name) if project_name else application()
    if kind in ITEMS:
        app["item_code"], app["item_name"] = ITEMS[kind]
    if ITEMS.get(kind) == FAST_TRACK_ITEM:
        app |= FAST_TRACK_PROJECT | ({"project_name": project_name} if project_name else {})
    titles = {
        DocumentTemplate.ACCEPTANCE_NOTICE: "行政许可受理通知书",
        DocumentTemplate.CORRECTION_NOTICE: "行政许可申请材料补正通知书",
        DocumentTemplate.REFUSAL_NOTICE: "行政许可不予受理决定书",
        DocumentTemplate.APPROVAL: f"关于《{app['project_name']}环境影响报告书》的批复",
        DocumentTemplate.DENIAL: f"关于《{app['project_name']}环境影响报告书》不予批准的决定",
        DocumentTemplate.SPECIAL_PROCEDURE_NOTICE: "特别程序告知书",
        DocumentTemplate.FILING_RECEIPT: "建设项目环境影响登记表备案回执",
        DocumentTemplate.REPLY_LETTER: "政府信息公开申请答复书",
        DocumentTemplate.LICENCE_CERTIFICATE: "危险废物经营许可证",
        DocumentTemplate.COMMITMENT_LETTER: "建设项目环境影响评价文件审批告知承诺书",
        DocumentTemplate.COMMITMENT_DECISION: (
            f"关于《{app['project_name']}环境影响报告表》的告知承诺制审批决定"
        ),
        DocumentTemplate.REVOCATION_DECISION: (
            f"关于撤销《{app['project_name']}环境影响报告表》告知承诺制审批决定的决定"
        ),
        DocumentTemplate.CONVERSION_NOTICE: "转为一般程序审批告知书",
        DocumentTemplate.EXPERT_OPINION: f"《{app['project_name']}环境影响报告书》专家组评审意见",
        DocumentTemplate.HEARING_NOTICE: "听证通知书",
        DocumentTemplate.HEARING_RECORD: "听证笔录",
        DocumentTemplate.GUIDANCE_OPINION: f"关于{app['project_name']}的建设项目前期指导意见",
        DocumentTemplate.DECISION: "关于郑州豫新复合材料有限公司排污许可证核发的准予行政许可决定书",
    }
    prefixes = {
        DocumentTemplate.ACCEPTANCE_NOTICE: "郑环受",
        DocumentTemplate.CORRECTION_NOTICE: "郑环补",
        DocumentTemplate.REFUSAL_NOTICE: "郑环不受",
        DocumentTemplate.APPROVAL: "郑环审",
        DocumentTemplate.DENIAL: "郑环不审",
        DocumentTemplate.SPECIAL_PROCEDURE_NOTICE: "郑环告",
        DocumentTemplate.FILING_RECEIPT: "郑环备",
        DocumentTemplate.REPLY_LETTER: "郑环公开",
        DocumentTemplate.LICENCE_CERTIFICATE: "郑环危证",
        DocumentTemplate.COMMITMENT_LETTER: "郑环承书",
        DocumentTemplate.COMMITMENT_DECISION: "郑环承审",
        DocumentTemplate.REVOCATION_DECISION: "郑环撤",
        DocumentTemplate.CONVERSION_NOTICE: "郑环转",
        DocumentTemplate.EXPERT_OPINION: "郑环评审",
        DocumentTemplate.HEARING_NOTICE: "郑环听",
        DocumentTemplate.HEARING_RECORD: "郑环听录",
        DocumentTemplate.GUIDANCE_OPINION: "郑环指",
        DocumentTemplate.DECISION: "郑环许",
    }
    return {
        "hearing_note": "",
        "issuer": "郑州市生态环境局",
        "number": f"{prefixes[kind]}〔2026〕7号",
        "title": titles[kind],
        "addressee": app["applicant_name"],
        "issued_on": ISSUED,
        "verify_url": "http://127.0.0.1:8000/v/K7Q2M9",
        "verify_code": "K7Q2-M9XD",
        "cc": ["郑州航空港经济综合实验区生态环境分局", "郑州市生态环境综合行政执法支队"],
        "printed_by": "郑州市生态环境局办公室",
        "licensing": True,
        "application": app,
    }


APPEAL = {"review_body": "郑州市人民政府", "court": "郑州铁路运输法院"}
SECTION_45 = "《中华人民共和国行政许可法》第四十五条"
SECTION_45_TEXT = (
    "行政机关作出行政许可决定，依法需要听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审的，"
    "所需时间不计算在本节规定的期限内"
)
INTAKE = {
    "days": 5,
    "unit": "working",
    "basis": "《中华人民共和国行政许可法》第三十二条第一款第（四）项",
}
EIA_FORM = {
    "key": "eia_approval",
    "statute": "《中华人民共和国环境影响评价法》",
    "basis": "《中华人民共和国环境影响评价法》第二十二条和"
    "《建设项目环境保护管理条例》第九条、第十条",
    "label": "批复",
}
DECISION_PARAGRAPHS = [
    "你单位于2026年9月3日提交的“排污许可证核发（首次申请·重点管理）”申请及相关材料收悉"
    "（办件编号：ZZHB-2026-000731）。经审查，你单位的申请符合《排污许可管理条例》第十一条规定的条件。",
    "根据《中华人民共和国行政许可法》第三十八条第一款和《排污许可管理条例》第十二条的规定，"
    "我局决定准予行政许可，向你单位核发排污许可证（证书编号：91410100MA9XYZ1234001P），"
    "有效期自2026年11月28日至2031年11月27日。",
]
MATERIALS = [
    "建设项目环境影响评价文件审批申请表",
    "环境影响报告书（报批版）全本及删除涉密信息的公开版本",
    "公众参与说明",
    "建设单位统一社会信用代码证明",
]
MISSING = [
    {"name": "公众参与说明", "reason": "未附征求意见稿公示的报纸公示页面"},
    {"name": "环境影响报告书（报批版）", "reason": "缺少编制单位和编制人员信用承诺书及签字页"},
    {"name": "污染物排放总量指标来源说明", "reason": "未提供区域削减替代方案"},
]
CONDITIONS = [
    "严格落实废气污染防治措施。浸胶、固化工序有机废气经收集后采用“沸石转轮浓缩+蓄热式焚烧”处理，"
    "非甲烷总烃排放须满足《工业涂装工序挥发性有机物排放标准》（DB41/1951—2020）要求",
    "严格落实废水污染防治措施。生产废水经厂区污水处理站预处理达到园区污水处理厂进水水质要求后"
    "排入园区污水管网，严禁私设暗管或者采取其他规避监管的方式排放",
    "合理布局高噪声设备，采取减振、隔声、消声等措施，厂界噪声须满足"
    "《工业企业厂界环境噪声排放标准》（GB 12348—2008）3类标准要求",
    "按照“减量化、资源化、无害化”原则处置固体废物。废活性炭、废树脂等危险废物须委托有资质的"
    "单位处置，严格执行危险废物转移联单制度，危险废物贮存库须满足防渗、防流失要求",
    "落实土壤和地下水污染防治措施，对重点防渗区、一般防渗区实施分区防渗，按《报告书》要求设置"
    "地下水跟踪监测井并定期开展监测",
    "制定突发环境事件应急预案并报备案，配备必要的应急物资，设置容积不小于600立方米的事故水池，"
    "定期开展应急演练，有效防范环境风险",
    "加强施工期环境管理，落实扬尘污染防治“六个百分之百”要求，合理安排施工时间，防止施工噪声扰民",
]


FILING_NUMBER = "2026410100000123"
FILED_AT = dt.datetime(2026, 11, 28, 9, 30, 15, tzinfo=ZoneInfo("Asia/Shanghai"))
FILED_ITEMS = [
    {"label": "项目类别", "value": "五十二、交通运输业、管道运输业——仓储（不含油品、化学品仓储）"},
    {
        "label": "建设内容及规模",
        "value": "新建标准化仓库2栋，建筑面积12000平方米，仓储能力3万吨/年",
    },
    {"label": "主要环境影响", "value": "废气、噪声、生活污水、一般固体废物"},
    {"label": "环境保护措施", "value": "生活污水经化粪池预处理后排入市政污水管网；选用低噪声设备"},
    {"label": "总投资", "value": "3200.00万元"},
    {"label": "环保投资", "value": "45.00万元"},
]
ANSWER = """经检索，你单位申请公开的2025年度重点排污单位名录已由本机关于2025年3月28日在\
郑州市生态环境局门户网站“重点排污单位名录”栏目主动公开，你单位可登录该网站查阅。

你单位申请公开的重点排污单位自行监测方案，由各重点排污单位在
全国污染源监测信息管理与共享平台公开，本机关不掌握汇总后的方案文本。

如需进一步了解有关情况，请与本机关政务公开办公室联系，联系电话：0371-67181234。"""
LICENCE_NUMBER = "豫郑危废经〔2026〕3号"
SCOPE = [
    "核准经营方式：收集、贮存、利用、处置",
    "HW08 废矿物油与含矿物油废物（900-214-08、900-249-08）：12000吨/年",
    "HW12 染料、涂料废物（900-252-12、900-256-12）：3000吨/年",
    "HW49 其他废物（900-041-49、900-039-49）：5000吨/年",
]
PARK = "郑州经济技术开发区（国家级经济技术开发区，规划环境影响评价已通过审查）"
SCOPE_TYPE = "三十三、汽车制造业——71.汽车零部件及配件制造367"
COMMITMENTS = [
    "本项目属于建设项目环境影响评价文件告知承诺制审批范围，位于郑州经济技术开发区，"
    "该园区规划环境影响评价已通过审查，本项目符合园区规划及规划环境影响评价结论和审查意见要求",
    "本项目不涉及《建设项目环境影响评价分类管理名录（2021年版）》第三条规定的环境敏感区",
    "本项目不含电镀工艺，不属于高耗能、高排放、高危险（“两高一危”）项目，不涉及核技术利用和电磁辐射",
    "《报告表》内容真实、准确、完整，所引用数据和资料来源可靠，评价结论科学可信",
    "严格落实《报告表》提出的各项生态环境保护措施，执行环境保护设施与主体工程同时设计、"
    "同时施工、同时投产使用的“三同时”制度，依法取得排污许可后方排放污染物",
    "自愿接受生态环境主管部门的事后核查。如承诺不实，同意生态环境主管部门依法撤销审批决定，"
    "将不实承诺情况记入信用记录并向社会公开，并在规定期限内不得适用告知承诺制审批，"
    "由此造成的损失和法律责任由我单位承担",
]
COMMITMENT_LAW = [
    "《中华人民共和国环境影响评价法》",
    "《建设项目环境保护管理条例》",
    "《国务院办公厅关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》"
    "（国办发〔2020〕42号）",
]
COMMITMENT_SHA256 = hashlib.sha256("告知承诺书 ZZHB-2026-000731".encode()).hexdigest()
FAST_CONDITIONS = [
    "严格落实废气污染防治措施。焊接烟尘经集气罩收集、滤筒除尘器处理后经15米高排气筒排放，"
    "颗粒物排放须满足国家和河南省相关排放标准要求",
    "生活污水经化粪池预处理后经市政污水管网排入园区污水处理厂，不得排放生产废水",
    "合理布局冲压、机加工等高噪声设备，采取减振、隔声措施，厂界噪声须满足"
    "《工业企业厂界环境噪声排放标准》（GB 12348—2008）3类标准要求",
    "废切削液、废矿物油等危险废物须委托有资质的单位处置，严格执行危险废物转移联单制度",
]
POST_CHECK_DAYS = 20
FINDINGS = [
    "项目涂装工序实际使用溶剂型涂料约18吨/年，与告知承诺书及《报告表》所述“全部使用粉末涂料”不符",
    "项目厂区内建有镀锌生产线一条，含电镀工艺，不属于告知承诺制审批范围",
    "《报告表》未识别镀锌废水及酸雾污染源，评价结论不可靠",
]
REVOCATION_LAW = (
    "《中华人民共和国行政许可法》第六十九条第二款和《国务院办公厅关于全面推行证明事项和"
    "涉企经营许可事项告知承诺制的指导意见》（国办发〔2020〕42号）"
)
CONVERSION_REASONS = [
    "项目建设地点不在中国（河南）自由贸易试验区郑州片区或规划环境影响评价已通过审查的"
    "市级以上产业园区内",
    "项目含电镀工艺，不属于告知承诺制审批范围",
    "建设单位因不实承诺被撤销审批决定，至2029年11月28日前不得适用告知承诺制审批",
]

MEETING = {
    # stored in UTC: 01:30 UTC is 9:30 in Zhengzhou
    "at": dt.datetime(2026, 11, 28, 1, 30, tzinfo=dt.UTC),
    "mode": "视频会议",
    "link_note": "腾讯会议（会议号已隐去）",
}
SITE_INSPECTION = {
    "at": dt.datetime(2026, 11, 27, 14, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    "participants": [
        "专家组全体成员",
        "建设单位代表",
        "环评单位代表",
        "航空港区生态环境分局工作人员",
    ],
    "notes": "建设单位现场人员手持移动终端，沿厂区边界、拟建浸胶固化车间、危险废物贮存库和"
    "事故水池位置实时直播，并通过无人机航拍展示了项目周边500米范围内的环境敏感目标分布情况。\n\n"
    "踏勘期间拍摄的照片和视频已上传存档备查",
}
MEMBERS = [
    {
        "name": "张建国",
        "title": "教授级高级工程师",
        "employer": "河南省环境保护科学研究院",
        "specialties": "环评综合、大气",
        "chair": True,
        "conclusion": "修改后通过",
        "opinion": "《报告书》编制较规范，评价内容较全面，项目建设符合国家产业政策和园区规划，"
        "评价结论总体可信。\n\n"
        "建议补充浸胶、固化工序有机废气收集效率的确定依据，核实沸石转轮浓缩+蓄热式焚烧装置的"
        "设计参数和非甲烷总烃去除效率。",
    },
    {
        "name": "李秀英",
        "title": "正高级工程师",
        "employer": "郑州大学生态与环境学院",
        "specialties": "水环境、土壤与地下水",
        "chair": False,
        "conclusion": "修改后通过",
        "opinion": "补充厂区污水处理站工艺可行性分析，明确预处理出水与园区污水处理厂进水水质的"
        "衔接关系；细化分区防渗方案，补充地下水跟踪监测井的布设位置图。",
    },
    {
        "name": "王志强",
        "title": "高级工程师",
        "employer": "河南省生态环境监测和安全中心",
        "specialties": "环境风险、固体废物和危险废物",
        "chair": False,
        "conclusion": "修改后通过",
        "opinion": "核实危险废物产生种类和数量，完善危险废物贮存库的设计要求；"
        "事故水池容积计算应补充消防废水量的取值依据。",
    },
    {
        "name": "赵丽",
        "title": "研究员",
        "employer": "中国科学院生态环境研究中心",
        "specialties": "生态、噪声",
        "chair": False,
        "conclusion": "通过",
        "opinion": "《报告书》工程分析清楚，噪声预测模式选用正确，同意通过。",
    },
    {
        "name": "陈卫东",
        "title": "教授",
        "employer": "河南农业大学资源与环境学院",
        "specialties": "土壤与地下水",
        "chair": False,
        "conclusion": "不通过",
        "opinion": "项目所在区域地下水埋深较浅，《报告书》对地下水环境影响的预测情景设置不足，"
        "现有结论难以支撑项目的环境可行性。",
    },
]
GROUP_CONCLUSION = (
    "《报告书》编制较规范，评价内容较全面，评价结论总体可信。项目建设符合国家产业政策和园区规划，"
    "在全面落实《报告书》提出的各项生态环境保护措施的前提下，从生态环境保护角度分析，项目建设可行。"
    "专家组同意《报告书》按本意见修改完善后通过技术评审"
)
QUORUM_NOTE = "应到5人，实到5人；按多数意见形成结论，组长意见为决定票（如需）"
DRAW_NOTE = "专家由系统从专家库随机抽取，随机种子 123456，候选专家 31 人，已记录备查"
REVISION_ITEMS = [
    "补充浸胶、固化工序有机废气收集效率的确定依据，核实VOCs治理设施的设计参数和去除效率",
    "完善厂区污水处理站工艺可行性分析，明确预处理出水与园区污水处理厂进水水质的衔接关系",
    "细化分区防渗方案，补充地下水跟踪监测井布设位置图，增加地下水污染预测情景",
    "核实危险废物产生种类和数量，补充事故水池容积计算中消防废水量的取值依据",
]


HEARING = {
    "scheduled_at": dt.datetime(2026, 12, 10, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    "held_at": dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    "mode": "现场方式",
    "online": False,
    "public": True,
    "ordered": False,
    "place": "郑州市生态环境局三楼听证室",
    "presiding": "赵法制",
    "reviewer": "李承办",
    "recorder": "孙记录",
}
REQUESTERS = [{"party": "利害关系人", "name": "王利民", "reasons": "住宅距厂界仅80米"}]


def context(kind: DocumentTemplate, project_name: str | None = None) -> dict[str, Any]:
    ctx = common(kind, project_name)
    if kind is DocumentTemplate.ACCEPTANCE_NOTICE:
        ctx |= {
            "materials": MATERIALS,
            "statutory_days": 60,
            "limit_unit": "working",
            "promised_days": 20,
            "clock_stops": [
                {"basis": SECTION_45, "stops": ["专家评审", "听证"]},
                {"basis": "《建设项目环境保护管理条例》第九条", "stops": ["技术评估"]},
            ],
            "section_45": SECTION_45_TEXT,
            "deemed": False,
            "intake": INTAKE,
            "contact": "行政审批科 王某某 0371-67181234",
        }
    elif kind is DocumentTemplate.SPECIAL_PROCEDURE_NOTICE:
        ctx |= {
            "reason": "专家评审",
            "reason_basis": SECTION_45,
            "section_45": SECTION_45_TEXT,
            "start_on": dt.date(2026, 11, 24),
            "max_days": 20,
            "max_unit": "working",
            "expected_end": dt.date(2026, 12, 22),
            "comment": "组织专家对报告书进行技术评审",
            "statutory_days": 60,
            "limit_unit": "working",
            "contact": "行政审批科 王某某 0371-67181234",
        }
    elif kind is DocumentTemplate.CORRECTION_NOTICE:
        ctx |= {
            "missing": MISSING,
            "deadline_note": "请你单位自收到本通知书之日起30日内一次性提交补正材料；"
            "逾期未补正的，视为撤回申请",
            "intake": INTAKE,
            "contact": "行政审批科 王某某 0371-67181234",
        }
    elif kind is DocumentTemplate.REFUSAL_NOTICE:
        ctx |= {
            "reasons": "该项目属于跨省级行政区域的建设项目，其环境影响评价文件不属于本机关审批权限",
            "redirect_to": "中华人民共和国生态环境部",
            "appeal": APPEAL,
        }
    elif kind is DocumentTemplate.APPROVAL:
        ctx |= {
            "conditions": CONDITIONS,
            "supervisor": "郑州市生态环境综合行政执法支队",
            "report": "环境影响报告书",
            "form": EIA_FORM,
            "hearing_note": "",
        }
    elif kind is DocumentTemplate.DENIAL:
        ctx |= {
            "reasons": "项目所在区域细颗粒物（PM2.5）年均浓度未达到国家环境质量标准，"
            "《报告书》未提出有效的区域削减措施；项目挥发性有机物排放量测算依据不足，预测结论不明确",
            "legal_grounds": "《建设项目环境保护管理条例》第十一条第（二）项、第（五）项",
            "report": "环境影响报告书",
            "appeal": APPEAL,
        }
    elif kind is DocumentTemplate.FILING_RECEIPT:
        ctx |= {
            "filing_number": FILING_NUMBER,
            "filed_at": FILED_AT,
            "items": FILED_ITEMS,
            "note": "本项目属于《建设项目环境影响评价分类管理名录》规定"
            "应当填报环境影响登记表的项目",
        }
    elif kind is DocumentTemplate.REPLY_LETTER:
        ctx |= {
            "request_summary": "公开郑州航空港经济综合实验区2025年度重点排污单位名录"
            "及其自行监测方案",
            "answer": ANSWER,
            "legal_basis": "《中华人民共和国政府信息公开条例》第三十六条第（二）项",
            "appeal": APPEAL,
        }
    elif kind is DocumentTemplate.LICENCE_CERTIFICATE:
        ctx |= {
            "certificate_title": "危险废物经营许可证",
            "licence_number": LICENCE_NUMBER,
            "holder_name": ctx["application"]["applicant_name"],
            "holder_uscc": ctx["application"]["applicant_uscc"],
            "legal_representative": "李建华",
            "address": "河南省郑州市中牟县官渡镇绿博大道与人文路交叉口向东800米",
            "site_address": "",
            "scope": SCOPE,
            "valid_from": dt.date(2026, 11, 28),
            "valid_to": dt.date(2031, 11, 27),
            "issuing_authority": ctx["issuer"],
        }
    elif kind is DocumentTemplate.COMMITMENT_LETTER:
        ctx |= {
            "commitments": COMMITMENTS,
            "scope_type": SCOPE_TYPE,
            "park": PARK,
            "legal_basis": COMMITMENT_LAW,
        }
    elif kind is DocumentTemplate.COMMITMENT_DECISION:
        ctx |= {
            "conditions": FAST_CONDITIONS,
            "post_check_days": POST_CHECK_DAYS,
            "commitment_sha256": COMMITMENT_SHA256,
        }
    elif kind is DocumentTemplate.REVOCATION_DECISION:
        ctx |= {
            "revoked_number": "郑环承审〔2026〕3号",
            "revoked_date": dt.date(2026, 10, 9),
            "findings": FINDINGS,
            "legal_basis": REVOCATION_LAW,
            "bar_until": dt.date(2029, 11, 28),
            "appeal": APPEAL,
        }
    elif kind is DocumentTemplate.CONVERSION_NOTICE:
        ctx |= {
            "reasons": CONVERSION_REASONS,
            "statutory_days": 30,
            "limit_unit": "working",
            "section_45": SECTION_45_TEXT,
        }
    elif kind is DocumentTemplate.DECISION:
        ctx |= {
            "form": {
                "key": "pollutant_discharge",
                "statute": "《排污许可管理条例》",
                "basis": "《中华人民共和国行政许可法》第三十八条第一款和"
                "《排污许可管理条例》第十二条",
                "label": "准予行政许可决定书",
            },
            "paragraphs": DECISION_PARAGRAPHS,
            "conditions_intro": "你单位还应当做好以下工作：",
            "conditions": CONDITIONS[:2],
            "closing": "特此决定。",
            "report": "环境影响报告书",
            "reasons": "",
            "legal_grounds": "",
            "supervisor": "郑州市生态环境综合行政执法支队",
            "appeal": None,
            "hearing_note": "",
        }
    elif kind is DocumentTemplate.HEARING_NOTICE:
        ctx |= {
            "hearing": dict(HEARING),
            "requesters": [dict(r) for r in REQUESTERS],
            "hearing_basis": "《中华人民共和国行政许可法》第四十七条、第四十八条",
            "contact": "郑州市生态环境局行政审批科",
        }
    elif kind is DocumentTemplate.HEARING_RECORD:
        ctx |= {
            "hearing": dict(HEARING),
            "requesters": [dict(r) for r in REQUESTERS],
            "participants": [{"name": "王利民", "role": "利害关系人"}],
            "review_opinion": "项目选址符合园区规划。",
            "statements": [{"speaker": "王利民", "text": "担心夜间噪声影响"}],
            "evidence": [{"party": "王利民", "text": "住宅与厂界距离测量记录"}],
            "adoption_note": "采纳：增设隔声屏障",
            "confirmations": [
                {"name": "郑州航空港区新材料有限公司", "confirmed": True, "note": ""},
                {"name": "王利民", "confirmed": False, "note": "认为笔录遗漏其发言"},
            ],
        }
    elif kind is DocumentTemplate.GUIDANCE_OPINION:
        project = GUIDANCE_PROJECT | {"project_name": ctx["application"]["project_name"]}
        ctx["application"] |= {"number": project["number"]}
        ctx |= {"consultation": project, **GUIDANCE}
    elif kind is DocumentTemplate.EXPERT_OPINION:
        ctx |= {
            "meeting": dict(MEETING),
            "site_inspection": dict(SITE_INSPECTION),
            "members": [dict(member) for member in MEMBERS],
            "conclusion": GROUP_CONCLUSION,
            "quorum_note": QUORUM_NOTE,
            "draw_note": DRAW_NOTE,
            "revision_items": list(REVISION_ITEMS),
        }
    return ctx


GUIDANCE_PROJECT = {
    "number": "QZ2026-0007",
    "project_name": "郑州航空港区年产5万吨高性能复合材料建设项目",
    "site": "新港大道与雁鸣路交叉口东北角",
    "district": "郑州航空港经济综合实验区",
    "industry_code": "2929",
    "scale": "年产5万吨复合材料",
    "description": "新建生产线两条",
    "question": "应编制哪类环评文件，能否适用告知承诺制",
    "requested_on": dt.date(2026, 11, 20),
}
GUIDANCE = {
    "item": {"code": "EIA-02", "name": "建设项目环境影响报告表审批（非核与辐射类）"},
    "eia_category": "环境影响报告表",
    "materials": ["建设项目环境影响评价文件审批申请表", "环境影响报告表（报批稿）全本"],
    "fast_track": False,
    "fast_track_summary": "不适用告知承诺制，原因共1项：1. 建设地点不在适用园区内",
    "obstacles": "项目东侧200米有居民区，应重点论证噪声影响。\n\n废气排放口高度须满足标准要求。",
    "officer": "李承办",
}
KIND_TEXT: dict[DocumentTemplate, list[str]] = {
    DocumentTemplate.GUIDANCE_OPINION: [
        "前期指导编号：QZ2026-0007",
        "你单位咨询的问题为：应编制哪类环评文件，能否适用告知承诺制。",
        "“建设项目环境影响报告表审批（非核与辐射类）”（事项编码：EIA-02）",
        "《建设项目环境影响评价分类管理名录（2021年版）》，本项目应编制环境影响报告表。",
        "（一）建设项目环境影响评价文件审批申请表。",
        "（二）环境影响报告表（报批稿）全本。",
        "四、告知承诺制适用情况",
        "不适用告知承诺制，原因共1项：1.建设地点不在适用园区内。",
        "项目东侧200米有居民区，应重点论证噪声影响。",
        "废气排放口高度须满足标准要求。",
        "不代替行政许可决定",
        "承办人员：李承办。",
    ],
    DocumentTemplate.FILING_RECEIPT: [
        f"备案号：{FILING_NUMBER}",
        "已于2026年11月28日9时30分完成备案",
        "备案时间2026年11月28日9时30分",
        "统一社会信用代码91410100MA9XYZ1234",
        "建设地点郑州航空港经济综合实验区新港大道与雁鸣路交叉口东北角",
        *(f"{item['label']}{item['value']}" for item in FILED_ITEMS),
        "备案不属于行政许可",
        "真实性、准确性和完整性负责",
        "落实所填报的生态环境保护措施",
        "备注",
        "应当填报环境影响登记表的项目。",
    ],
    DocumentTemplate.REPLY_LETTER: [
        "“政府信息公开申请（依申请公开）”申请（办件编号：ZZHB-2026-000731）收悉",
        "申请的内容为：公开郑州航空港经济综合实验区2025年度重点排污单位名录及其自行监测方案。",
        "根据《中华人民共和国政府信息公开条例》第三十六条第（二）项的规定，现答复如下：",
        "由各重点排污单位在全国污染源监测信息管理与共享平台公开",  # a line break joined
        "联系电话：0371-67181234。",
        "自收到本答复书之日起六十日内向郑州市人民政府申请行政复议",
        "六个月内向郑州铁路运输法院提起行政诉讼",
        "特此答复。",
    ],
    DocumentTemplate.LICENCE_CERTIFICATE: [
        "危险废物经营许可证",
        f"证书编号：{LICENCE_NUMBER}",
        "单位名称：郑州豫新复合材料有限公司",
        "统一社会信用代码：91410100MA9XYZ1234",
        "法定代表人：李建华",
        "住所：河南省郑州市中牟县官渡镇绿博大道与人文路交叉口向东800米",
        "法定代表人：李建华",
        "核准经营范围：",
        *SCOPE,
        "有效期限：自2026年11月28日至2031年11月27日",
        "发证机关：郑州市生态环境局",
        "发证日期：2026年11月28日",
    ],
    DocumentTemplate.SPECIAL_PROCEDURE_NOTICE: [
        "专家评审",
        "最长不超过20个工作日",
        "第四十五条",
        "不计算在本事项60个工作日的法定办理时限内",
        "2026年11月24日",
    ],
    DocumentTemplate.ACCEPTANCE_NOTICE: [
        *MATERIALS,
        "予以受理",
        "60个工作日",
        "20个工作日",
        "第四十五条",
        "根据《中华人民共和国行政许可法》第四十五条“行政机关作出行政许可决定，依法需要听证、招标、"
        "拍卖、检验、检测、检疫、鉴定和专家评审的，所需时间不计算在本节规定的期限内”的规定，"
        "本事项依法需要专家评审、听证的，所需时间不计算在上述办理时限内。",
        "根据《建设项目环境保护管理条例》第九条的规定，本事项依法进行技术评估所需时间",
        "书面告知",
        "2026年9月8日",
    ],
    DocumentTemplate.CORRECTION_NOTICE: [
        *(m["name"] for m in MISSING),
        *(m["reason"] for m in MISSING),
        "一次性告知",
        "全部内容",
        "视为撤回申请",
    ],
    DocumentTemplate.REFUSAL_NOTICE: [
        "不予受理",
        "中华人民共和国生态环境部",
        "六十日内向郑州市人民政府申请行政复议",
        "六个月内向郑州铁路运输法院提起行政诉讼",
    ],
    DocumentTemplate.APPROVAL: [
        *(c[:20] for c in CONDITIONS),
        "（七）",
        "郑州市生态环境综合行政执法支队",
        "三同时",
        "排污许可证",
        "重新报批",
        "超过五年",
        "68500.00万元",
        "1850.50万元",
        "2.70%",
        "河南中环环境科技有限公司",
    ],
    DocumentTemplate.DENIAL: [
        "不予批准",
        "第十一条第（二）项",
        "不得开工建设",
        "六十日内向郑州市人民政府申请行政复议",
        "六个月内向郑州铁路运输法院提起行政诉讼",
    ],
    DocumentTemplate.COMMITMENT_LETTER: [
        "编号：郑环承书〔2026〕7号",
        f"我单位拟在{PARK}建设郑州经开区年产30万套汽车精密零部件建设项目",
        "国民经济行业类别代码C3670",
        f"《建设项目环境影响评价分类管理名录（2021年版）》中“{SCOPE_TYPE}”类别",
        "依法应当编制环境影响报告表",
        "12800.00万元",
        "386.40万元",
        "由河南中环环境科技有限公司编制",
        f"我单位已知悉{'、'.join(COMMITMENT_LAW)}关于建设项目环境影响评价文件告知承诺制审批",
        "自愿申请按照告知承诺制办理",
        *(f"{cn_numeral(i)}、{c}。" for i, c in enumerate(COMMITMENTS, start=1)),
        "特此承诺。",
        "建设单位（盖章）：郑州豫新复合材料有限公司",
        "统一社会信用代码：91410100MA9XYZ1234",
        "法定代表人（签字）：",
        "日期：2026年11月28日",
        "核验码：K7Q2-M9XD",
    ],
    DocumentTemplate.COMMITMENT_DECISION: [
        f"建设项目环境影响评价文件审批告知承诺书（SHA-256：{COMMITMENT_SHA256}）",
        "告知承诺制审批的适用条件",
        "依据你单位作出的承诺，未组织技术评估和专家审查",
        *(f"（{cn_numeral(i)}）{c}。" for i, c in enumerate(FAST_CONDITIONS, start=1)),
        "12800.00万元",
        "386.40万元",
        "3.02%",
        "三同时",
        "排污许可证",
        f"自本决定作出之日起{POST_CHECK_DAYS}个工作日内对该项目开展事后核查",
        "我局将依法撤销本审批决定",
        "记入信用记录",
        "不得适用告知承诺制审批",
        "重新报批",
        "超过五年",
    ],
    DocumentTemplate.REVOCATION_DECISION: [
        "我局于2026年10月9日依据你单位作出的告知承诺，以郑环承审〔2026〕3号文件",
        *(f"（{cn_numeral(i)}）{f}。" for i, f in enumerate(FINDINGS, start=1)),
        f"根据{REVOCATION_LAW}的规定，我局决定撤销郑环承审〔2026〕3号审批决定",
        "不得开工建设",
        "记入信用记录",
        "自本决定作出之日起至2029年11月28日，你单位申请建设项目环境影响评价文件审批不得适用告知承诺制",
        "自收到本决定书之日起六十日内向郑州市人民政府申请行政复议",
        "自收到本决定书之日起六个月内向郑州铁路运输法院提起行政诉讼",
        "特此决定。",
    ],
    DocumentTemplate.CONVERSION_NOTICE: [
        "“建设项目环境影响报告表告知承诺制审批”申请",
        "不符合建设项目环境影响评价文件告知承诺制审批的适用条件，具体原因如下：",
        *(f"{i}.{r}。" for i, r in enumerate(CONVERSION_REASONS, start=1)),
        "已将你单位的申请转为一般程序审批",
        "已提交的申请材料继续有效",
        "无需重复提交",
        "法定办理时限为30个工作日，自受理之日的次日起计算，法定节假日不计算在内",
        "第四十五条",
        "特此告知。",
    ],
    DocumentTemplate.HEARING_NOTICE: [
        "利害关系人王利民在法定期限内提出了听证申请",
        "2026年12月10日9时30分",
        "以现场方式举行，地点：郑州市生态环境局三楼听证室",
        "听证主持人：赵法制；记录员：孙记录；行政许可审查人员：李承办",
        "有权在听证举行前申请回避",
        "视为放弃听证权利",
        "听证所需时间不计算在本事项的法定办理时限内",
    ],
    DocumentTemplate.HEARING_RECORD: [
        "利害关系人王利民：住宅距厂界仅80米。",
        "王利民（利害关系人）",
        "三、行政许可审查人员的初步审查意见、理由和证据",
        "王利民：担心夜间噪声影响。",
        "（一）王利民提交：住宅与厂界距离测量记录。",
        "经核对，以上笔录无误",
        "拒绝签字（盖章），情况记明如下：认为笔录遗漏其发言。",
        "听证主持人（签字）：赵法制",
        "记录员（签字）：孙记录",
    ],
    DocumentTemplate.EXPERT_OPINION: [
        "2026年11月28日9时30分，郑州市生态环境局以视频会议方式组织召开"
        "《郑州航空港区年产5万吨高性能复合材料建设项目环境影响报告书》"
        "（以下简称《报告书》）技术评审会（办件编号：ZZHB-2026-000731）",
        "一、评审会议",
        "会议平台：腾讯会议",
        "建设单位郑州豫新复合材料有限公司、环评单位河南中环环境科技有限公司的代表",
        "专家组由5名专家组成，张建国任组长。",
        f"{DRAW_NOTE}。",
        "二、视频踏勘",
        "2026年11月27日14时00分，专家组全体成员、建设单位代表、环评单位代表、"
        "航空港区生态环境分局工作人员以视频连线方式对项目现场进行了踏勘。",
        "踏勘期间拍摄的照片和视频已上传存档备查。",
        "三、专家组成员",
        *(member["name"] for member in MEMBERS),  # the table's cells: see the HTML test below
        "四、专家组评审结论",
        f"专家个人评审结论：通过1人，修改后通过3人，不通过1人。{QUORUM_NOTE}",
        # the conclusion runs over a page break: its first and last sentences
        f"专家组评审结论：{GROUP_CONCLUSION.split('。')[0]}。",
        f"{GROUP_CONCLUSION.split('。')[-1]}。",
        "五、修改完善要求",
        *(f"{i}.{item}。" for i, item in enumerate(REVISION_ITEMS, start=1)),
        "经专家组组长复核确认后报送",
        "六、专家个人评审意见",
        "（一）张建国（组长）个人评审结论：修改后通过。",
        "（五）陈卫东个人评审结论：不通过。",
        *(p for member in MEMBERS for p in paragraphs(member["opinion"])),
        "专家组组长（签字）：张建国",
    ],
    DocumentTemplate.DECISION: [
        *(p[:40] for p in DECISION_PARAGRAPHS),
        "你单位还应当做好以下工作：",
        "（一）",
        "特此决定。",
    ],
}


def squash(text: str) -> str:
    """PDF text without whitespace (lines wrap anywhere in Chinese text)."""
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: bytes) -> str:
    if shutil.which("pdftotext"):
        out = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
        )
        return out.stdout.decode("utf-8")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def rendered() -> dict[DocumentTemplate, bytes]:
    return {kind: render_pdf(kind, context(kind)) for kind in DocumentTemplate}


@pytest.fixture(scope="module")
def hostile_pdf() -> bytes:
    return render_pdf("approval", context(DocumentTemplate.APPROVAL, HOSTILE_NAME))


# ------------------------------------------------------------------ contract


def test_template_values_are_the_contract() -> None:
    assert [t.value for t in DocumentTemplate] == [
        "acceptance_notice",
        "correction_notice",
        "refusal_notice",
        "approval",
        "denial",
        "special_procedure_notice",
        "filing_receipt",
        "reply_letter",
        "licence_certificate",
        "commitment_letter",
        "commitment_decision",
        "revocation_decision",
        "conversion_notice",
        "expert_opinion",
        "decision",
        "hearing_notice",
        "hearing_record",
        "guidance_opinion",
    ]


def test_filters() -> None:
    assert cn_date(dt.date(2026, 1, 8)) == "2026年1月8日"
    assert cn_datetime(FILED_AT) == "2026年11月28日9时30分"
    assert cn_datetime(dt.datetime(2026, 11, 28, 16, 5, tzinfo=dt.UTC)) == "2026年11月29日0时05分"
    with pytest.raises(ValueError):
        cn_datetime(dt.datetime(2026, 11, 28, 9, 30))  # naive: UTC or local?
    assert paragraphs("甲\n乙\r\n\r\n  \n丙 one\ntwo\n\n") == ["甲乙", "丙 one two"]
    assert cn_date(dt.datetime(2026, 11, 28, 9, 30)) == "2026年11月28日"
    assert money(Decimal("12500")) == "12500.00万元"
    assert money(Decimal("0.005")) == "0.01万元"
    assert [cn_numeral(n) for n in (1, 10, 12, 20, 99)] == ["一", "十", "十二", "二十", "九十九"]
    with pytest.raises(TypeError):
        cn_date(None)


# ------------------------------------------------------------------ content


CERTIFICATE = DocumentTemplate.LICENCE_CERTIFICATE
LETTER = DocumentTemplate.COMMITMENT_LETTER  # the applicant's letter to the bureau, not a 公文
# these do not name the project
NO_PROJECT = {DocumentTemplate.REPLY_LETTER, CERTIFICATE, DocumentTemplate.DECISION}
# signed records, not 公文: no 文号, no 主送, no 版记
SIGNED = {DocumentTemplate.EXPERT_OPINION, DocumentTemplate.HEARING_RECORD}


def essentials(kind: DocumentTemplate, ctx: dict[str, Any]) -> list[str]:
    """What every document of ``kind`` prints besides its own text (KIND_TEXT)."""
    found = [
        ctx["issuer"],
        *([] if kind in SIGNED else [ctx["number"]]),
        ctx["application"]["number"],
        "2026年11月28日",
        ctx["verify_code"],
        ctx["verify_url"],
    ]
    if kind not in NO_PROJECT:
        found.append(ctx["application"]["project_name"])
    if kind is LETTER:  # addressed to the bureau, numbered pages, no 版记
        found += [f"{ctx['issuer']}：", "—1—"]
    elif kind in SIGNED:
        found += ["—1—"]
    elif kind is not CERTIFICATE:  # a 公文: 主送, page number, 版记
        found += [
            f"{ctx['addressee']}：",
            "2026年11月28日印发",
            "郑州市生态环境局办公室",
            "抄送：郑州航空港经济综合实验区生态环境分局，郑州市生态环境综合行政执法支队。",
            "—1—",
        ]
    return found


@pytest.mark.parametrize("kind", list(DocumentTemplate))
def test_pdf_states_the_essentials(kind: DocumentTemplate, rendered: dict) -> None:
    pdf = rendered[kind]
    assert pdf.startswith(b"%PDF-")
    text = squash(pdf_text(pdf))
    ctx = context(kind)
    for expected in [*essentials(kind, ctx), *KIND_TEXT[kind]]:
        assert squash(expected) in text, f"{kind}: {expected!r} missing"


@pytest.mark.parametrize("kind", list(DocumentTemplate))
def test_fonts_are_embedded(kind: DocumentTemplate, rendered: dict) -> None:
    reader = PdfReader(io.BytesIO(rendered[kind]))
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            fonts.append(target["/FontDescriptor"].get_object())
    assert fonts
    for descriptor in fonts:
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, descriptor["/FontName"]
    names = {str(d["/FontName"]).replace("-", "") for d in fonts}
    assert any("NotoSerifCJKSC" in n for n in names), names


def test_every_page_is_numbered(rendered: dict) -> None:
    reader = PdfReader(io.BytesIO(rendered[DocumentTemplate.APPROVAL]))
    assert len(reader.pages) >= 2
    for number, page in enumerate(reader.pages, start=1):
        assert f"—{number}—" in squash(page.extract_text())


def test_layout_pieces_are_present() -> None:
    html = render_html(DocumentTemplate.APPROVAL, context(DocumentTemplate.APPROVAL))
    body = html.split("<body>")[1]
    assert 'class="seal"' in body and "<polygon" in body  # red seal with star
    assert body.count(">郑</text>") == 1  # issuer name on the seal's arc
    assert 'class="qr"' in body and '<path d="M' in body  # QR code as inline SVG
    assert 'class="colophon"' in body and "@bottom-right" in html and "@bottom-left" in html


@pytest.mark.parametrize(
    "kind",
    [
        DocumentTemplate.CORRECTION_NOTICE,
        DocumentTemplate.FILING_RECEIPT,
        DocumentTemplate.REPLY_LETTER,
        DocumentTemplate.LICENCE_CERTIFICATE,
        DocumentTemplate.COMMITMENT_LETTER,
        DocumentTemplate.COMMITMENT_DECISION,
        DocumentTemplate.REVOCATION_DECISION,
        DocumentTemplate.CONVERSION_NOTICE,
        DocumentTemplate.EXPERT_OPINION,
    ],
)
def test_rendering_is_deterministic(kind: DocumentTemplate, rendered: dict) -> None:
    """Same context, same bytes: the SHA-256 recorded for a document can be recomputed."""
    assert render_pdf(kind, context(kind)) == rendered[kind]


def test_no_cc_line_when_cc_empty() -> None:
    ctx = context(DocumentTemplate.REFUSAL_NOTICE) | {"cc": []}
    body = render_html(DocumentTemplate.REFUSAL_NOTICE, ctx).split("<body>")[1]
    assert "抄送" not in body
    ctx = context(DocumentTemplate.ACCEPTANCE_NOTICE)
    ctx |= {"clock_stops": [], "promised_days": None, "limit_unit": "calendar"}
    body = render_html("acceptance_notice", ctx).split("<body>")[1]
    assert "第四十五条" not in body and "承诺" not in body and "60日" in body


def test_filing_receipt_prints_the_time_in_shanghai_and_no_empty_note() -> None:
    ctx = context(DocumentTemplate.FILING_RECEIPT)
    ctx |= {"filed_at": dt.datetime(2026, 11, 28, 1, 30, tzinfo=dt.UTC), "note": ""}
    body = render_html(DocumentTemplate.FILING_RECEIPT, ctx).split("<body>")[1]
    assert "2026年11月28日9时30分" in body
    assert "备注" not in body
    ctx["filed_at"] = dt.datetime(2026, 11, 28, 9, 30)
    with pytest.raises(ValueError):
        render_html(DocumentTemplate.FILING_RECEIPT, ctx)


def test_reply_letter_paragraphs_and_optional_parts() -> None:
    ctx = context(DocumentTemplate.REPLY_LETTER)
    body = render_html(DocumentTemplate.REPLY_LETTER, ctx).split("<body>")[1]
    for paragraph in paragraphs(ANSWER):
        assert f"<p>{paragraph}</p>" in body
    assert len(paragraphs(ANSWER)) == 3
    ctx |= {"legal_basis": None, "appeal": None}
    body = render_html(DocumentTemplate.REPLY_LETTER, ctx).split("<body>")[1]
    assert "经研究，现答复如下：" in body
    assert "行政复议" not in body and "根据" not in body


def test_certificate_is_one_landscape_page(rendered: dict) -> None:
    reader = PdfReader(io.BytesIO(rendered[CERTIFICATE]))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    text = squash(pdf_text(rendered[CERTIFICATE]))
    assert "抄送" not in text and "印发" not in text  # a certificate, not a 公文


def test_certificate_keeps_a_long_scope_on_one_page() -> None:
    ctx = context(CERTIFICATE) | {
        "certificate_title": "废弃电器电子产品处理资格证书",
        "legal_representative": "",
        "site_address": "郑州市中牟县官渡镇处理厂区",
        "scope": [
            f"第{n}条处理线：电视机、电冰箱、洗衣机、房间空调器、微型计算机，{n}0万台/年"
            for n in range(1, 15)
        ],
    }
    body = render_html(CERTIFICATE, ctx).split("<body>")[1]
    assert "法定代表人" in body  # the row the law requires is always printed
    assert "场所地址：</th><td>郑州市中牟县官渡镇处理厂区" in body
    assert "处理类别和规模：" in body
    pdf = render_pdf(CERTIFICATE, ctx)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = squash(pdf_text(pdf))
    for line in ctx["scope"]:
        assert squash(line) in text
    # the type shrank so that the form ends above the QR code (its top is 159 mm down)
    page = HTML(string=render_html(CERTIFICATE, ctx)).render().pages[0]
    boxes, tables = [page._page_box], []
    while boxes:
        box = boxes.pop()
        boxes.extend(getattr(box, "children", []))
        if box.element_tag == "table" and "fields" in (box.element.get("class") or ""):
            tables.append(box)
    assert tables
    assert max(b.position_y + b.margin_height() for b in tables) * 25.4 / 96 < 157


def test_certificate_layout_pieces_are_present() -> None:
    html = render_html(CERTIFICATE, context(CERTIFICATE))
    body = html.split("<body>")[1]
    assert 'class="frame"' in body and body.count('<path d="M') > 20  # guilloche frame
    assert 'class="seal"' in body and body.count(">郑</text>") == 1  # seal of the authority
    assert 'class="qr"' in body
    assert "size: A4 landscape" in html


def test_commitment_letter_is_the_applicants_letter_not_a_bureau_document(
    rendered: dict,
) -> None:
    ctx = context(LETTER)
    body = render_html(LETTER, ctx).split("<body>")[1]
    # no red 版头, no seal of the bureau, no 版记: the applicant writes to the bureau
    assert 'class="banner"' not in body and 'class="seal"' not in body
    assert 'class="colophon"' not in body and "#e60012" not in body
    assert 'class="qr"' in body and 'class="pledge-sign"' in body
    assert f'<p class="addressee">{ctx["issuer"]}：</p>' in body
    # `addressee`, `cc` and `printed_by` are not printed (the letter is addressed to the issuer)
    other = ctx | {"addressee": "某某单位", "cc": ["某某分局"], "printed_by": "某某办公室"}
    assert render_html(LETTER, other) == render_html(LETTER, ctx)
    text = squash(pdf_text(rendered[LETTER]))
    assert "印发" not in text and "抄送" not in text
    assert text.index("编号：") < text.index(squash(ctx["title"])) < text.index("建设单位（盖章）")
    assert len(PdfReader(io.BytesIO(rendered[LETTER])).pages) <= 2


def _boxes(html: str) -> list:
    page_boxes = [page._page_box for page in HTML(string=html).render().pages]
    found = []
    while page_boxes:
        box = page_boxes.pop()
        page_boxes.extend(getattr(box, "children", []))
        found.append(box)
    return found


def test_commitment_decision_wraps_the_digest_inside_the_text_block() -> None:
    kind = DocumentTemplate.COMMITMENT_DECISION
    html = render_html(kind, context(kind))
    assert f'（SHA-256：<span class="digest">{COMMITMENT_SHA256}</span>）' in html
    digest = [
        b for b in _boxes(html) if b.element_tag == "span" and b.element.get("class") == "digest"
    ]
    assert len(digest) >= 2  # the 64 characters take more than what is left of one line
    right_edge_mm = (28 + 156) * 96 / 25.4  # 订口 + 版心 width, in CSS px
    assert all(b.position_x + b.margin_width() <= right_edge_mm + 1 for b in digest)


def test_conversion_notice_states_a_calendar_limit_without_holidays() -> None:
    kind = DocumentTemplate.CONVERSION_NOTICE
    ctx = context(kind) | {"statutory_days": 60, "limit_unit": "calendar"}
    body = render_html(kind, ctx).split("<body>")[1]
    assert "法定办理时限为60日，自受理之日的次日起计算。" in body
    assert "法定节假日" not in body and "工作日" not in body


def test_revocation_names_the_revoked_decision_and_the_bar() -> None:
    kind = DocumentTemplate.REVOCATION_DECISION
    ctx = context(kind) | {
        "revoked_number": "郑环承审〔2027〕12号",
        "bar_until": dt.date(2030, 1, 5),
    }
    body = render_html(kind, ctx).split("<body>")[1]
    assert "以郑环承审〔2027〕12号文件" in body and "撤销郑环承审〔2027〕12号审批决定" in body
    assert "至2030年1月5日，你单位申请" in body


OPINION = DocumentTemplate.EXPERT_OPINION


def test_expert_opinion_puts_the_parts_in_order(rendered: dict) -> None:
    text = squash(pdf_text(rendered[OPINION]))
    order = [
        "一、评审会议",
        "二、视频踏勘",
        "三、专家组成员",
        "四、专家组评审结论",
        "五、修改完善要求",
        "六、专家个人评审意见",
        "专家组组长（签字）：张建国",
        "核验码：K7Q2-M9XD",  # the QR code follows the experts' signatures
    ]
    positions = [text.index(squash(part)) for part in order]
    assert positions == sorted(positions)
    # each member's opinion under their own heading, in the panel's order
    heads = [text.index(f"（{cn_numeral(i)}）{m['name']}") for i, m in enumerate(MEMBERS, 1)]
    assert heads == sorted(heads) and heads[0] > positions[5]
    body = render_html(OPINION, context(OPINION)).split("<body>")[1]
    # the experts' signed opinion: no bureau 版头, 文号, seal or 版记
    assert 'class="seal"' not in body and 'class="banner"' not in body
    assert "郑环评审" not in body and "印发" not in body
    # the panel table: a header row and one row per member, in order, the chair marked
    panel = body.split('<table class="panel">')[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", panel, flags=re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S) for row in rows]
    assert cells[0] == ["序号", "姓名", "职称", "单位", "专业", "结论"]
    assert cells[1][1] == '张建国<span class="role">（组长）</span>'
    for i, (row, member) in enumerate(zip(cells[1:], MEMBERS, strict=True), start=1):
        name = member["name"] + ('<span class="role">（组长）</span>' if member["chair"] else "")
        keys = ("title", "employer", "specialties", "conclusion")
        assert row == [str(i), name, *(member[k] for k in keys)]


def test_expert_opinion_without_site_inspection_or_revisions() -> None:
    ctx = context(OPINION) | {"site_inspection": None, "revision_items": []}
    body = render_html(OPINION, ctx).split("<body>")[1]
    assert "踏勘" not in body
    assert "二、专家组成员" in body and "五、专家个人评审意见" in body and "六、" not in body
    assert "专家组未提出需要修改完善的内容。" in body and "复核确认" not in body


def test_expert_opinion_names_the_chair_and_reads_the_meeting_in_shanghai() -> None:
    members = [{**m, "chair": m["name"] == "李秀英"} for m in MEMBERS]
    meeting = MEETING | {"at": dt.datetime(2026, 11, 28, 16, 5, tzinfo=dt.UTC)}
    ctx = context(OPINION) | {"members": members, "meeting": meeting}
    body = render_html(OPINION, ctx).split("<body>")[1]
    assert "李秀英任组长" in body and "专家组组长（签字）：李秀英" in body
    assert "（二）李秀英（组长）" in body and "张建国（组长）" not in body
    # 16:05 UTC is already the next day in Zhengzhou, the chair's date follows it
    assert "2026年11月29日0时05分，郑州市生态环境局以视频会议方式" in body
    assert "<div>2026年11月29日</div>" in body
    ctx["meeting"] = MEETING | {"at": dt.datetime(2026, 11, 28, 9, 30)}
    with pytest.raises(ValueError):
        render_html(OPINION, ctx)


def test_expert_opinion_on_a_licence_reviews_the_application_materials() -> None:
    ctx = context(OPINION)
    ctx["application"] |= {
        "item_code": "410100-WF-001",
        "item_name": "危险废物经营许可证核发",
        "consultant": "",
    }
    ctx["site_inspection"] = None
    body = render_html(OPINION, ctx).split("<body>")[1]
    assert "郑州豫新复合材料有限公司“危险废物经营许可证核发”申请材料技术评审会（项目名称：" in body
    assert "对申请材料进行修改完善" in body
    assert "以下简称" not in body and "《报告书》技术评审会" not in body
    assert "申请单位郑州豫新复合材料有限公司的代表及郑州市生态环境局有关人员" in body
    assert "环评单位" not in body and "建设单位" not in body


def test_expert_opinion_needs_a_chair() -> None:
    ctx = context(OPINION) | {"members": [{**m, "chair": False} for m in MEMBERS]}
    with pytest.raises(jinja2.UndefinedError):
        render_html(OPINION, ctx)


def test_fit_form_shrinks_type_until_the_rows_fit() -> None:
    short = fit_form(["甲" * 10] * 5, width_mm=210, height_mm=80, label_em=9)
    assert (short.pt, short.line_height) == (15.0, 1.75)
    long = fit_form(["甲" * 60] * 16, width_mm=210, height_mm=80, label_em=9)
    assert long.pt < 10.5 and long.line_height == 1.4
    assert fit_form(["甲" * 60] * 200, width_mm=210, height_mm=80).pt == 7.0


# ------------------------------------------------------------------ safety


def test_html_special_characters_are_escaped(hostile_pdf: bytes) -> None:
    html = render_html("approval", context(DocumentTemplate.APPROVAL, HOSTILE_NAME))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&#34;新材料&#34;" in html
    text = squash(pdf_text(hostile_pdf))
    assert squash(HOSTILE_NAME) in text


HOSTILE_FIELDS = {
    DocumentTemplate.FILING_RECEIPT: lambda ctx: ctx.update(
        items=[*FILED_ITEMS, {"label": HOSTILE_NAME, "value": HOSTILE_NAME}]
    ),
    DocumentTemplate.REPLY_LETTER: lambda ctx: ctx.update(
        request_summary=HOSTILE_NAME, answer=f"{HOSTILE_NAME}\n\n{HOSTILE_NAME}"
    ),
    DocumentTemplate.LICENCE_CERTIFICATE: lambda ctx: ctx.update(
        holder_name=HOSTILE_NAME, scope=[*SCOPE, HOSTILE_NAME]
    ),
    DocumentTemplate.COMMITMENT_LETTER: lambda ctx: ctx.update(
        commitments=[*COMMITMENTS, HOSTILE_NAME],
        park=HOSTILE_NAME,
        scope_type=HOSTILE_NAME,
        legal_basis=[HOSTILE_NAME],
        application=ctx["application"] | {"applicant_name": HOSTILE_NAME},
    ),
    DocumentTemplate.COMMITMENT_DECISION: lambda ctx: ctx.update(
        conditions=[*FAST_CONDITIONS, HOSTILE_NAME], commitment_sha256=HOSTILE_NAME
    ),
    DocumentTemplate.REVOCATION_DECISION: lambda ctx: ctx.update(
        findings=[HOSTILE_NAME], legal_basis=HOSTILE_NAME, revoked_number=HOSTILE_NAME
    ),
    DocumentTemplate.CONVERSION_NOTICE: lambda ctx: ctx.update(
        reasons=[*CONVERSION_REASONS, HOSTILE_NAME]
    ),
    DocumentTemplate.EXPERT_OPINION: lambda ctx: ctx.update(
        meeting=MEETING | {"link_note": HOSTILE_NAME},
        site_inspection=SITE_INSPECTION | {"participants": [HOSTILE_NAME], "notes": HOSTILE_NAME},
        members=[
            {**member, "name": HOSTILE_NAME, "employer": HOSTILE_NAME, "opinion": HOSTILE_NAME}
            for member in MEMBERS
        ],
        conclusion=HOSTILE_NAME,
        quorum_note=HOSTILE_NAME,
        draw_note=HOSTILE_NAME,
        revision_items=[HOSTILE_NAME],
        application=ctx["application"] | {"project_name": HOSTILE_NAME},
    ),
}


@pytest.mark.parametrize("kind", list(HOSTILE_FIELDS))
def test_new_kinds_escape_what_they_print(kind: DocumentTemplate) -> None:
    ctx = context(kind)
    HOSTILE_FIELDS[kind](ctx)
    html = render_html(kind, ctx)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&#34;新材料&#34;" in html
    assert squash(HOSTILE_NAME) in squash(pdf_text(render_pdf(kind, ctx)))


def test_injected_markup_is_not_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    original = AssetsOnlyURLFetcher.fetch

    def spy(self: AssetsOnlyURLFetcher, url: str, headers: object = None):
        seen.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(AssetsOnlyURLFetcher, "fetch", spy)
    ctx = context(DocumentTemplate.DENIAL)
    ctx["reasons"] = '<img src="http://203.0.113.9/x.png"><img src="file:///etc/passwd">'
    ctx["addressee"] = '<link rel="stylesheet" href="https://example.com/a.css">'
    html = render_html("denial", ctx)
    assert "<img" not in html and "<link" not in html
    text = squash(pdf_text(render_pdf("denial", ctx)))
    assert squash('<img src="http://203.0.113.9/x.png">') in text
    assert not any(u.startswith(("http", "https", "file")) for u in seen), seen


@pytest.mark.parametrize(
    "url",
    [
        "http://203.0.113.9/x.png",
        "https://example.com/a.css",
        "ftp://example.com/a",
        "file:///etc/passwd",
        "file://evil.example/etc/passwd",
        f"{ASSETS_DIR.as_uri()}/../documents/base.html",
        f"{ASSETS_DIR.as_uri()}/%2e%2e/%2e%2e/core/settings.py",
        "/etc/passwd",
    ],
)
def test_fetcher_refuses_anything_outside_assets(url: str) -> None:
    with pytest.raises(ForbiddenURLError):
        resolve_asset_url(url)
    with pytest.raises(ForbiddenURLError):
        fetch_url(url)


def test_fetcher_serves_data_urls_and_asset_files(tmp_path) -> None:
    response = fetch_url("data:text/plain;base64,5Lit5paH")
    assert response.read() == "中文".encode()
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "logo.svg").write_text("<svg/>")
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    fetcher = AssetsOnlyURLFetcher(root=assets)
    response = fetcher.fetch((assets / "logo.svg").as_uri())
    assert response.read() == b"<svg/>"
    assert response.content_type == "image/svg+xml"
    for refused in (secret.as_uri(), f"{assets.as_uri()}/../secret.txt"):
        with pytest.raises(ForbiddenURLError):
            fetcher.fetch(refused)
    (assets / "link.txt").symlink_to(secret)
    with pytest.raises(ForbiddenURLError):
        fetcher.fetch((assets / "link.txt").as_uri())


def test_forbidden_fetch_aborts_the_render(monkeypatch: pytest.MonkeyPatch) -> None:
    """A template that asks for a forbidden URL fails loudly instead of silently skipping."""
    import documents.render as render_module

    def html_with_remote_image(template, ctx) -> str:
        return '<p>x</p><img src="http://203.0.113.9/x.png">'

    monkeypatch.setattr(render_module, "render_html", html_with_remote_image)
    with pytest.raises(DocumentRenderError):
        render_pdf("approval", context(DocumentTemplate.APPROVAL))


# ------------------------------------------------------------------ strictness


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        (DocumentTemplate.APPROVAL, "supervisor"),
        (DocumentTemplate.APPROVAL, "verify_url"),
        (DocumentTemplate.CORRECTION_NOTICE, "missing"),
        (DocumentTemplate.ACCEPTANCE_NOTICE, "clock_stops"),
        (DocumentTemplate.REFUSAL_NOTICE, "appeal"),
        (DocumentTemplate.DENIAL, "legal_grounds"),
        (DocumentTemplate.FILING_RECEIPT, "filing_number"),
        (DocumentTemplate.FILING_RECEIPT, "filed_at"),
        (DocumentTemplate.FILING_RECEIPT, "items"),
        (DocumentTemplate.FILING_RECEIPT, "note"),
        (DocumentTemplate.REPLY_LETTER, "request_summary"),
        (DocumentTemplate.REPLY_LETTER, "answer"),
        (DocumentTemplate.REPLY_LETTER, "legal_basis"),
        (DocumentTemplate.REPLY_LETTER, "appeal"),
        (DocumentTemplate.LICENCE_CERTIFICATE, "certificate_title"),
        (DocumentTemplate.LICENCE_CERTIFICATE, "licence_number"),
        (DocumentTemplate.LICENCE_CERTIFICATE, "legal_representative"),
        (DocumentTemplate.LICENCE_CERTIFICATE, "scope"),
        (DocumentTemplate.LICENCE_CERTIFICATE, "valid_to"),
        (DocumentTemplate.LICENCE_CERTIFICATE, "issuing_authority"),
        (DocumentTemplate.LICENCE_CERTIFICATE, "verify_url"),
        (DocumentTemplate.COMMITMENT_LETTER, "commitments"),
        (DocumentTemplate.COMMITMENT_LETTER, "scope_type"),
        (DocumentTemplate.COMMITMENT_LETTER, "park"),
        (DocumentTemplate.COMMITMENT_LETTER, "legal_basis"),
        (DocumentTemplate.COMMITMENT_LETTER, "verify_url"),
        (DocumentTemplate.COMMITMENT_DECISION, "conditions"),
        (DocumentTemplate.COMMITMENT_DECISION, "post_check_days"),
        (DocumentTemplate.COMMITMENT_DECISION, "commitment_sha256"),
        (DocumentTemplate.REVOCATION_DECISION, "revoked_number"),
        (DocumentTemplate.REVOCATION_DECISION, "revoked_date"),
        (DocumentTemplate.REVOCATION_DECISION, "findings"),
        (DocumentTemplate.REVOCATION_DECISION, "legal_basis"),
        (DocumentTemplate.REVOCATION_DECISION, "bar_until"),
        (DocumentTemplate.REVOCATION_DECISION, "appeal"),
        (DocumentTemplate.CONVERSION_NOTICE, "reasons"),
        (DocumentTemplate.CONVERSION_NOTICE, "statutory_days"),
        (DocumentTemplate.CONVERSION_NOTICE, "limit_unit"),
        (DocumentTemplate.EXPERT_OPINION, "meeting"),
        (DocumentTemplate.EXPERT_OPINION, "site_inspection"),
        (DocumentTemplate.EXPERT_OPINION, "members"),
        (DocumentTemplate.EXPERT_OPINION, "conclusion"),
        (DocumentTemplate.EXPERT_OPINION, "quorum_note"),
        (DocumentTemplate.EXPERT_OPINION, "draw_note"),
        (DocumentTemplate.EXPERT_OPINION, "revision_items"),
    ],
)
def test_missing_key_raises(kind: DocumentTemplate, key: str) -> None:
    ctx = context(kind)
    del ctx[key]
    with pytest.raises(jinja2.UndefinedError):
        render_pdf(kind, ctx)


def test_missing_application_field_raises() -> None:
    ctx = context(DocumentTemplate.APPROVAL)
    del ctx["application"]["env_investment"]
    with pytest.raises(jinja2.UndefinedError):
        render_html(DocumentTemplate.APPROVAL, ctx)


def test_unknown_template_raises() -> None:
    with pytest.raises(ValueError):
        render_html("memo", context(DocumentTemplate.APPROVAL))


# ------------------------------------------------------------------ GB/T 9704 typography


def _stack(css: str, selector: str) -> list[str]:
    block = css.split(selector + " {", 1)[1].split("}", 1)[0]
    families = block.split("font-family:", 1)[1].split(";", 1)[0]
    return [f.strip().strip('"') for f in families.split(",")]


def test_font_stacks_name_the_standard_faces_first_and_noto_as_the_fallback() -> None:
    css = (TEMPLATES_DIR / "documents" / "gbt9704.css").read_text()
    expected = {
        "html": ("FangSong", "Noto Serif CJK SC"),  # 正文 3号仿宋
        "h1.title": ("FZXiaoBiaoSong-B05S", "Noto Serif CJK SC"),  # 标题 2号小标宋
        ".issuer-mark": ("FZXiaoBiaoSong-B05S", "Noto Serif CJK SC"),
        ".h1": ("SimHei", "Noto Sans CJK SC"),  # 一级标题 黑体
        ".h2": ("KaiTi", "Noto Serif CJK SC"),  # 二级标题 楷体
    }
    for selector, (first, fallback) in expected.items():
        stack = _stack(css, selector)
        assert stack[0] == first, (selector, stack)
        assert fallback in stack and stack.index(fallback) >= len(stack) - 2, (selector, stack)
    assert "方正小标宋简体" in _stack(css, "h1.title") and "仿宋" in _stack(css, "html")


TITLES = [
    "关于《郑州航空港区年产5万吨高性能复合材料建设项目环境影响报告书》的批复",
    "关于《郑州经开区年产30万套汽车精密零部件建设项目环境影响报告表》不予批准的决定",
    "关于郑州绿源精密机械有限公司危险废物经营许可证核发的不予行政许可决定书",
    "关于《郑州市中原区某某产业园区总体规划环境影响报告书》的审查意见",
    "关于《郑州绿源精密机械年产5000台数控机床建设项目环境影响评价文件》重新审核的意见",
    "受理通知书",
]


@pytest.mark.parametrize("title", TITLES)
def test_title_lines_end_at_natural_points_and_fit_the_line(title: str) -> None:
    from documents.render import TITLE_CHARS, TITLE_TERMS, title_lines

    lines = title_lines(title)
    assert "".join(lines) == title
    assert all(len(line) <= TITLE_CHARS for line in lines)
    assert len(lines) <= -(-len(title) // TITLE_CHARS) + 1  # at most one line more than needed
    cuts = [sum(len(x) for x in lines[: i + 1]) for i in range(len(lines) - 1)]
    for term in TITLE_TERMS:
        start = title.find(term)
        while start != -1:
            assert not any(start < c < start + len(term) for c in cuts), (term, lines)
            start = title.find(term, start + 1)
    assert not any(title[c - 1] in "《（“" or title[c] in "》）”，。" for c in cuts), lines


def test_times_print_minutes_with_two_digits_and_material_brackets_full_width() -> None:
    from documents.render import cjk_brackets

    assert cn_datetime(dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)) == "2026年11月28日10时00分"
    assert cjk_brackets("排污许可证申请表(盖章)") == "排污许可证申请表（盖章）"
    assert cjk_brackets("GB 3095-2012 (2018)") == "GB 3095-2012 (2018)"
