"""How places are written: short names, English names, and which short names are ordinary words."""

from __future__ import annotations

import re
from functools import cache

# Official English names where pinyin of the short name is not what English text writes.
ENGLISH = {
    "陕西": ("Shaanxi",), "内蒙古": ("Inner Mongolia", "Nei Mongol"), "西藏": ("Tibet", "Xizang"),
    "香港": ("Hong Kong",), "澳门": ("Macao", "Macau"), "哈尔滨": ("Harbin",), "乌鲁木齐": ("Urumqi",),
    "呼和浩特": ("Hohhot",), "拉萨": ("Lhasa",), "日喀则": ("Shigatse",),
}  # fmt: skip
# English words for the kinds of county-level divisions (a county-level city is written without one: Kunshan).
_KINDS = (
    ("自治县", "Autonomous County"), ("自治旗", "Autonomous Banner"), ("新区", "New Area"), ("林区", "Forestry District"),
    ("特区", "Special District"), ("区", "District"), ("县", "County"), ("旗", "Banner"),
)  # fmt: skip
# Short names of districts and counties that policy text uses as ordinary words although jieba tags them as
# names or rare words ("金山银山", "新兴产业", "大厂", "会同有关部门"): these are named in full only.
_ORDINARY = (
    "和平 新华 解放 前进 振兴 复兴 友好 共和 光明 长安 南岸 天桥 高新 新城 城中 城东 城西 城北 城南 市中 市南 市北 "
    "红旗 金山 凤凰 温泉 方正 东风 宝塔 工农 爱民 回民 向阳 站前 新兴 兴业 大厂 民乐 交口 天台 天心 平房 老城 富民 "
    "小店 清水 资源 港口 公安 会同 会理 会东 会泽 同心 民权 大方 梨树 盐池 石鼓 双城 双塔 大化 铜鼓 天柱 新会 政和 "
    "新化 新源 资中 资溪 建水 当涂 太白 长子 石门 莲花 名山 桃源 全州 运河 方城 高台 港北 港南 白云 永定 安定 "
    "中方 南部 延长 通道 比如 互助 安居 上高 开化 太和 大同 平安 平和 宏伟 丰满 富裕 三门 万年 大名 二七 城关 "
    "新建 平原 江南 中原 古城 河口 商城 江山 太平 友谊 武功 安宁 海港 吉利 沙河 大城 新河 故城 江东 沿河 路桥 龙门 高明 "
    "甘泉 西山 石林 太湖 南湖 东湖 牡丹 黄龙 长阳 兴国 天山 泰山 庐山 南海 东海 白银 文昌 "
    "东至 江海 临港 滨江 江北 河东 河西 东区 西区 城区 郊区 矿区"
)
ORDINARY = frozenset(_ORDINARY.split())
# Full names of county-level divisions that are ordinary words ("老城区改造", "中心城区"): never read as places.
_ORDINARY_FULL = (
    "城区 郊区 矿区 东区 西区 新区 城中区 城东区 城西区 城北区 城南区 市中区 市南区 市北区 老城区 新城区 港口区 "
    "工农区 前进区 解放区 向阳区 站前区 开发区 高新区"
)
ORDINARY_FULL = frozenset(_ORDINARY_FULL.split())
# Pinyin that English text writes for other things (Xinhua the news agency).
ORDINARY_ENGLISH = frozenset({"xinhua", "dean", "nankai"})
# A jieba word rarer than this that jieba tags as an ordinary noun is still taken as a place (顺义, 海珠, 双流).
RARE_WORD = 100


def short_name(name: str, nations: list[str]) -> str:
    """苏州市 → 苏州, 延边朝鲜族自治州 → 延边, 徐汇区 → 徐汇, 浦东新区 → 浦东; the full name when fewer than two
    characters would be left (城区, 赵县)."""
    short = re.sub(r"(?:特别行政区|自治区|自治州|自治县|自治旗|地区|新区|林区|特区|矿区|省|市|盟|县|区|旗)$", "", name)
    while "自治" in name and (nation := next((n for n in nations if short.endswith((n, n + "族"))), None)):
        if len(short.removesuffix("族")) - len(nation) < 2:  # 西藏, 内蒙古: the region's own name
            break
        short = short.removesuffix("族").removesuffix(nation)  # 延边朝鲜族自治州 → 延边, 广西壮族自治区 → 广西
    short = re.sub(r"(?:各族|族)$", "", short) if "自治" in name else short
    return short if len(short) >= 2 else name


def kind_word(name: str) -> str:
    """The English word for a county-level division's kind: 徐汇区 → District, 浦东新区 → New Area."""
    return next((english for suffix, english in _KINDS if name.endswith(suffix)), "")


# Readings pypinyin gets wrong in place names (朝阳 is Chaoyang, not zhaoyang; 闵行 Minhang).
_READINGS = {"朝阳": ["chao", "yang"], "闵行": ["min", "hang"], "单县": ["shan", "xian"], "长子": ["zhang", "zi"]}


def syllables(name: str) -> list[str]:
    from pypinyin import lazy_pinyin

    if name in _READINGS:
        return list(_READINGS[name])
    found = lazy_pinyin(name)
    if name.startswith("长"):  # 长宁, 长治, 长春: chang as a place name begins
        found[0] = "chang"
    return found


def without_kind(name: str) -> str:
    """丰县 → 丰: the name without the word for its kind of division (for its English, Feng County)."""
    suffix = next((suffix for suffix, _ in _KINDS if name.endswith(suffix)), "")
    return name[: len(name) - len(suffix)] or name


def pinyin(short: str) -> str:
    """Pinyin as English writes a name: syllables joined, an apostrophe before a, o, e (Xi'an)."""
    if short in ENGLISH:
        return ENGLISH[short][0]
    syllables = globals()["syllables"](short)
    joined = syllables[0] + "".join(("'" + s) if s[0] in "aoe" else s for s in syllables[1:])
    return joined[:1].upper() + joined[1:]


def english_forms(short: str, english: str, extra: tuple[str, ...] = (), *, bare: bool = True) -> set[str]:
    """Every English spelling matched in text, lowercased: "Xi'an", "xian", "xi an", "Xuhui District"; the
    pinyin alone only when ``bare`` (not for 丰县, whose pinyin alone would be "fengxian", Fengxian's)."""
    spoken = syllables(short)
    joined = " ".join(spoken)
    names = {"".join(spoken), joined} if bare and len(spoken) > 1 and re.fullmatch(r"[a-z ]+", joined) else set()
    names |= {n.lower() for n in (*ENGLISH.get(short, ()), english, *extra)}
    if english.endswith(" New Area"):  # Pudong New Area is also written Pudong District
        names.add(english.removesuffix(" New Area").lower() + " district")
    return {n for n in names if len(n) > 3 and n not in ORDINARY_ENGLISH}


@cache
def _jieba_words() -> tuple[dict[str, str], dict[str, int]]:
    """Part-of-speech tags and frequencies of the words in jieba's dictionary (already loaded for BM25)."""
    import jieba
    import jieba.posseg

    jieba.posseg.dt.tokenizer.initialize()
    return jieba.posseg.dt.word_tag_tab, jieba.dt.FREQ


def is_ordinary_word(name: str, *, county: bool = False) -> bool:
    """jieba knows ``name`` as a word that is not a place or other proper name. A county-level city with such a
    short name (合作 "cooperation", 灯塔 "lighthouse", 东方 "east") is only named in full (合作市). A name jieba
    does not know (任丘, 吴川) is no ordinary word. For districts and counties (``county``) a word jieba tags as
    ordinary but rarely sees is still a name (顺义, 海珠, 双流), unless it is in :data:`ORDINARY`."""
    if name in ORDINARY:
        return True
    tags, frequencies = _jieba_words()
    tag = tags.get(name)
    if tag is None or tag.startswith(("ns", "nr", "nz", "nt")):
        return False
    return not (county and frequencies.get(name, 0) < RARE_WORD)


def is_ordinary_full_name(name: str) -> bool:
    return name in ORDINARY_FULL


def segment(text: str) -> list[str]:
    """jieba's words of ``text`` (dictionary only, no HMM guesses)."""
    import jieba

    jieba.dt.initialize()
    return list(jieba.dt.cut(text, HMM=False))


def is_proper_noun(word: str) -> bool:
    """jieba tags ``word`` as a place or other proper name (浦东机场), or does not know it."""
    tag = _jieba_words()[0].get(word)
    return tag is None or tag.startswith(("ns", "nr", "nz", "nt"))
