"""The fixed text of the 办事指南: labels, who may apply by group and process kind, each
process kind's summary and steps. ``api.routers.guide`` fills them in with an item's verified
facts; nothing here is research (no sources, no evidence markers).
"""

from __future__ import annotations

from approvals.catalogue import ItemStatus, LicenceAction, LicenceKind, ProcessKind
from models.enums import DocumentKind

KIND_LABELS: dict[ProcessKind, str] = {
    ProcessKind.STANDARD: "一般程序（受理、审查、决定）",
    ProcessKind.COMMITMENT: "告知承诺制",
    ProcessKind.FILING: "即时备案",
    ProcessKind.SERVICE: "公共服务（书面答复）",
}
STATUS_LABELS: dict[ItemStatus, str] = {
    ItemStatus.ACTIVE: "在办",
    ItemStatus.ABOLISHED: "已取消",
    ItemStatus.PROVINCIAL: "省级决定",
}
LICENCE_LABELS: dict[LicenceKind, str] = {
    LicenceKind.POLLUTANT_DISCHARGE: "排污许可证",
    LicenceKind.HAZARDOUS_WASTE: "危险废物经营许可证",
    LicenceKind.RADIATION: "辐射安全许可证",
    LicenceKind.E_WASTE: "废弃电器电子产品处理资格证书",
}
ACTION_LABELS: dict[LicenceAction, str] = {
    LicenceAction.ISSUE: "核发",
    LicenceAction.CHANGE: "变更",
    LicenceAction.RENEW: "延续",
    LicenceAction.REPLACE: "遗失补领",
    LicenceAction.CANCEL: "注销",
    LicenceAction.EXTEND: "延期批准",
}
# 申请对象 (服务对象 on a 政务服务网 page): by (group, kind), then by group; inferred.
PUBLIC = "公民、法人和其他组织"
PLAN_AUTHORITIES = "专项规划、产业园区规划的编制机关（市级有关部门、园区管理机构）"
APPLICANTS: dict[tuple[str, ProcessKind | None], str] = {
    ("环评审批", ProcessKind.FILING): "建设项目的建设单位（填报环境影响登记表或开展后评价的）",
    ("环评审批", ProcessKind.SERVICE): "重大建设项目的建设单位",
    ("环评审批", None): "依法应当编制环境影响报告书（表）的建设项目的建设单位",
    ("危险废物", ProcessKind.FILING): "产生、收集、贮存、利用、处置危险废物的单位",
    ("危险废物", None): "从事危险废物收集、贮存、利用、处置经营活动的单位",
    ("排污许可", ProcessKind.SERVICE): "排污单位",
    ("排污许可", ProcessKind.FILING): "纳入排污登记管理的排污单位",
    ("排污许可", None): "纳入固定污染源排污许可分类管理名录、实行排污许可管理的排污单位",
    ("辐射安全", None): "生产、销售、使用放射性同位素和射线装置的单位",
    ("固体废物", None): "从事废弃电器电子产品处理活动的企业",
    ("水环境", None): "拟新建、改建或者扩大入河排污口的单位",
    ("土壤", None): "建设用地土地使用权人、土壤污染重点监管单位",
    ("应急", None): "可能发生突发环境事件的企业事业单位",
    ("大气", ProcessKind.SERVICE): "非道路移动机械的所有人或者使用单位",
    ("大气", None): "重点行业企业",
    ("信用", None): "参加环境信用评价的企业",
    ("其他", None): "建设单位、施工单位及其他有关单位",
}
DELIVERY_SLOGAN = "网上受理、邮寄结果、零跑腿"
KIND_SUMMARIES: dict[ProcessKind, str] = {
    ProcessKind.STANDARD: "申请人网上提交申请材料，经受理、审查后作出书面决定。",
    ProcessKind.COMMITMENT: "申请人书面承诺符合审批条件，经形式审查即作出决定，事后核查。",
    ProcessKind.FILING: "备案不是行政许可，不作实质审查：网上填报提交后即时备案并生成回执。",
    ProcessKind.SERVICE: "申请人网上提出请求，受理分办后由承办人在时限内书面答复。",
}
_D = DocumentKind
_DELIVER = (
    "送达", "自动流程",
    "电子文书网上下载并以电子邮件送达，加盖印章的纸质文书免费邮寄（{slogan}）。", "", (),
)  # fmt: skip
# The steps of each process kind: (name, who, what, limit, documents issued at this step);
# {limits} {review} {slogan} are filled in from the item (verified limits only).
STEPS: dict[ProcessKind, tuple[tuple[str, str, str, str, tuple[DocumentKind, ...]], ...]] = {
    ProcessKind.STANDARD: (
        ("网上申请", "申请人", "网上填报申请信息，上传全部申请材料（PDF）。", "", ()),
        ("受理", "受理窗口",
         "审查材料是否齐全、符合法定形式：齐全的予以受理；不齐全的一次性告知需补正的全部内容"
         "（补正期间不计时）；逾期不告知的，自收到材料之日起即为受理（《行政许可法》第三十二条）。",
         "5 个工作日", (_D.ACCEPTANCE_NOTICE, _D.CORRECTION_NOTICE, _D.REFUSAL_NOTICE)),
        ("审查", "承办人", "{review}", "{limits}（自受理次日起计算）",
         (_D.SPECIAL_PROCEDURE_NOTICE,)),
        ("决定", "科室负责人审核、分管领导签发",
         "作出准予或者不予许可的书面决定；不予许可的说明理由，并告知申请行政复议、提起行政诉讼的权利。",
         "", (_D.APPROVAL, _D.DENIAL, _D.LICENCE_CERTIFICATE)),
        _DELIVER,
    ),
    ProcessKind.COMMITMENT: (
        ("申请并承诺", "申请人", "确认项目属于告知承诺制适用范围，签署承诺书并上传材料。", "", ()),
        ("形式审查", "受理窗口", "审查承诺书和材料；不符合条件的转一般程序并告知原因。", "", ()),
        ("决定", "审批科室", "当场或在承诺时限内作出审批决定。", "{limits}", (_D.APPROVAL,)),
        ("事后核查", "审批科室", "决定后核查承诺内容；与承诺不符的，依法撤销审批决定。", "", ()),
        _DELIVER,
    ),
    ProcessKind.FILING: (
        ("在线填报", "申请人", "网上填报备案信息并上传材料。", "", ()),
        ("即时备案", "自动流程", "提交即完成备案，生成备案号；备案不作实质审查。", "即时", ()),
        ("回执", "自动流程", "备案回执（载明备案号）网上下载并以电子邮件送达。", "",
         (_D.FILING_RECEIPT,)),
    ),
    ProcessKind.SERVICE: (
        ("提交", "申请人", "网上提交咨询、申请或投诉举报的具体内容。", "", ()),
        ("受理分办", "受理窗口", "登记受理并分办给承办人；内容不明确的，一次性告知补正。", "",
         (_D.CORRECTION_NOTICE,)),
        ("答复", "承办人", "在时限内书面答复，出具答复书。", "{limits}",
         (_D.REPLY_LETTER,)),
        _DELIVER,
    ),
}  # fmt: skip
