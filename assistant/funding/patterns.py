"""The words around a figure that give it its role in a funding provision, as patterns: what grants money
(给予, 补贴, subsidy), what bounds a cap (最高, 不超过, up to), what names a voucher (算力券) or a fund (基金),
what makes a figure a threshold the applicant must reach (投资超过1亿元) or a target (产业规模达8000亿元), and
the headings and list items that structure a policy. ``extract`` applies them."""

import re

from assistant.text.language import CJK

FUNDING = re.compile(
    r"给予|予以|补贴|补助|奖励|资助|扶持|奖补|贴息|支持|资金|经费|券|基金|兑付|配套|奖金"
    # what a household or a firm may draw on besides a grant: a housing voucher, a loan ceiling, a tax deduction,
    # a refund, a provident-fund withdrawal ("最高贷款额度55万元", "按每户每年14400元为限额依次扣减")
    r"|房票|贷款额度|贷款最高限额|贷款限额|可贷额度|最高贷款|抵减|扣减|减免|返还|退还|提取"
    r"|(?i:subsid|grant|fund|support|reward|award|voucher|incentive|bonus)"
)
PENALTY = re.compile(r"罚款|罚金|没收|违法所得|fine[sd]?\b|penalt")
CLAUSE_BREAK = re.compile(r"[，,：:]")
GRANT_VERB = re.compile(r"给予|予以|补贴|补助|奖励|资助|扶持|奖补|支持|发放|兑付|(?i:offer|provid|grant|award|subsid)")
METRIC = re.compile(
    r"投资|营收|营业收入|收入|产值|销售|合同|规模|融资|估值|市值|注册资本|研发投入|采购额|交易额|出口|增加值|总量|市场"
    r"|缴存|缴纳|纳税|消费"  # what an applicant pays in or spends: "月缴存额在600元以上", "消费满10000元可使用"
    r"|(?i:revenue|sales|turnover|output|investment|market)"
)
REACH = re.compile(r"(?:(?<!不)超过|达到|达|突破|(?<!不)高于|满|在|实现|力争|(?i:exceed\w*|reach\w*|over|above))\s*$")
ABOVE = re.compile(r"^\s*(?:及|或)?以上|^\s*(?i:or\s+more|and\s+above)")
# the lower end of a tier's range: "1亿元（含1亿元）至2亿元的", "3000万～5000万元"
RANGE_TO = re.compile(r"^\s*[）)]?\s*(?:[（(]\s*含[^）)]{0,12}[）)])?\s*(?:至|到|～|~|—|–|-)\s*\d")
# the upper end of one: "…至2亿元的，补助150万元"
RANGE_FROM = re.compile(r"(?:至|到|～|~|—|–|-)\s*$")
# "工资补贴标准为：大专学历每人每月1500元，…硕士研究生学历每人每月3500元": a grant's standard listed after a colon
FUNDING_COLON = re.compile(r"(?:补贴|补助|奖励|资助|扶持|奖补|房票金额|贷款额度)(?:标准)?(?:为|如下)?\s*[：:]")
SHORT_OF = re.compile(r"(?:不足|低于|少于|未达到?|未满)\s*$")
GRANT_AFTER_CLAUSE = re.compile(r"\s*(?:的)?\s*[，,]\s*(?:可|则|将)?\s*(?:给予|予以|奖励|补助|补贴|资助)")
GROWTH = re.compile(
    r"增长|提高|提升|下降|降低|达到|占|比重|覆盖|渗透|(?<!不)超过|增速|增幅|(?i:grow|increas|reduc|share)"
)
BOUND = re.compile(
    r"(?:最高不超过|累计不超过|不超过|不高于|最高可达|最高可|最高|最多|上限为?|封顶|合计|累计"
    r"|(?i:up\s+to(?:\s+a\s+maximum\s+of)?|a\s+maximum\s+of|no\s+more\s+than|not\s+exceeding|capped\s+at))"
    r"(?:支持|补贴|奖励|资助|给予)?\s*$"
)
VOUCHER_NAME = rf"(?:科技创新|算力|模型|语料|训力|数据|创新|科技|服务|消费|人才|培训|研发|检测|应用|智能|(?!单张|每张)[{CJK}]{{2}})券"
ANY_VOUCHER = re.compile(r"券[”\"]?[^，。；]{0,14}$")
VOUCHER_AFTER = re.compile(rf"^\s*的?\s*[“\"]?({VOUCHER_NAME})")
VOUCHER_BEFORE = re.compile(rf"({VOUCHER_NAME})[”\"]?[^，。；]{{0,14}}$")
FUND_NOUN = re.compile(r"^[^，。；]{0,24}?(?:基金|专项资金|引导资金|发展资金)|基金[^，。；]{0,10}$")
RANGE_GAP = re.compile(r"^\s*(?:-|－|–|—|~|～|至|到)\s*$")
LIST_GAP = re.compile(rf"^\s*(?:的?[{CJK}]{{0,4}}券)?\s*[、，,]\s*(?:最高|不超过|最多)?\s*$")
PAIR_GAP = re.compile(r"^[^。；\d对]{0,16}$")
# "…投入的30%的奖励支持，单个创新主体年度支持最高2000万元": the next clause bounds the ratio per recipient
PER_RECIPIENT_GAP = re.compile(
    r"^[^。；\d对，,]{0,10}[，,]\s*(?:单个|单家|每个|每家|每户|单户)[^。；\d对，,]{0,14}?(?:最高|不超过|最多)[^。；\d对，,]{0,4}$"
)
# "可按不超过合同额的20%，给予最高1000万元": a share of a base whose grant verb opens the next clause
RATIO_BASE = re.compile(r"按照?|不超过|不高于|(?i:up\s+to)")
GRANT_NEXT = re.compile(r"^\s*的?\s*[，,]\s*(?:最高|可|再)?\s*(?:给予|予以)")
# "按照1:1的比例予以配套支持": a matching ratio, the second number per unit of the first
RATIO_PAIR = re.compile(
    r"(?<![\d.:：])(\d+(?:\.\d+)?)\s*[:：]\s*(\d+(?:\.\d+)?)(?![\d.:：])(?=\s*的?\s*比例|\s*(?:予以|进行)?\s*配套)"
)
# "奖励标准由0.15元/千瓦时调整至0.25元/千瓦时": a revision; the figure it replaces is no provision
REVISED_TO = re.compile(r"(?:调整|提高|提升|上调|下调|降低|增加|减少|降)(?:至|为|到)")
# "（四）项目奖励标准如下：" then "1、分布式光伏：0.25元/千瓦时。": list items under a lead-in that grants (use .match)
NUMBERED_LINE = re.compile(r"[ \t\u3000]*(?:\d{1,2}\s*[、.．](?!\d)|[（(]\d{1,2}[)）])")
PER_UNIT = re.compile(r"\s*(?:/|每)\s*(?:千瓦时|千瓦|瓦|度|平方米|吨|台|套|人|kWh|kW|W)")
PERIOD = re.compile(
    r"一次性|每(?:年度?|季度|个?月|半年)|首年|(?:最多|最长|连续|分)?\s*[\d一二三四五六七八九十两]+"
    r"(?:\s*[-－~～至到]\s*[\d一二三四五六七八九十两]+)?\s*(?:个\s*月|年)(?:内|累计)?(?![度底初末])|累计"
    r"|年度(?=\s*(?:最高|不超过|累计|支持|补贴|补助|奖励|资助|奖补))"  # 年度最高500万元, 年度补贴: a yearly cap
    r"|(?i:one-off|one-time|annual(?:ly)?|per\s+year|each\s+year)"
)
QUALIFIER = re.compile(
    r"经(?:认定|评定|审核|评审|评估|认证|备案|市政府批准|省政府批准|批准)|择优|首次|首版次|首台套|首批次|首购|新认定|新引进"
    r"|符合条件的|评选优秀|揭榜成功|获奖|免申即享|核定|不重复|分类|分档|分期|上浮|(?i:eligible|first-time|selected)"
)
TARGET_OF = re.compile(
    r"(?:(?<![针相面绝应核])对(?![接外比照于象话称应口])|(?<![方导走倾转指取流去内外双横纵意志])向(?![社全国海外]))"
    r"([^，,。；;：:]{2,60}?)(?=[，,]|分别|给予|予以|按|发放|实施|提供)"  # half-width marks end it too
)
RECIPIENT_END = re.compile(
    r"(?:主体|企业|单位|机构|团队|人才|个人|高校|院所|园区|使用方|创始人|开发者|厂商|人员|专家|骨干|创业者)$"
)
PAREN_TAIL = re.compile(r"[（(][^）)]*[）)]$")
USED_FOR = re.compile(r"用于([^。；]{2,60})")
FOR_EN = re.compile(r"(?i:\bfor\s+([^,.;]{3,80}),)")
ASCII_ONLY = re.compile(r"^[\x00-\x7f]*$")
LEAD_VERB = re.compile(r"^(?:支持|鼓励|推动|加快|开展|组织|实施)")
CONNECTOR = re.compile(r"^(?:按照|按|根据|依据|经|对|向|并|且|其中|同时|原则上|市级|省级|区级|市区协同|省市统筹)")
HEADING = re.compile(
    r"(?m)^[ \t\u3000]*((?:第[一二三四五六七八九十百]+条|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}\s*[.．、])"
    r"\s*[^。\n]{2,40})"
)
LIST_ITEM = re.compile(
    r"(?<=[\n \t\u3000])[ \t\u3000]*(?=[（(]\d{1,2}[)）])|(?<=\n)[ \t\u3000]*(?=\d{1,2}[.、．](?!\d))"
)
GENERIC_SUPPORT = {"支持", "补贴", "奖励", "资助", "补助", "奖补", "支持资金", "资金支持", "补贴资金", ""}
SUPPORT_NOUN = re.compile(r"^\s*的?\s*([^，。；、\d]{0,10}?(?:补贴|支持|奖励|资助|补助|奖补|奖金|贴息))")
