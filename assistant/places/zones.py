"""Places users name that are not divisions of the code table: national-level new areas, free-trade-zone areas
and a few well-known development zones, each tied to the division it lies in (docs/places.md lists the
sources). Also the city abbreviations document numbers use that are not the first character of the name.

Kept conservative: a zone that spans several districts or cities is tied to the smallest division that holds
all of it (雄安 → Hebei, 天府新区 → Sichuan); street areas and parks inside one district (西岸, 徐汇滨江,
漕河泾) are not places.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Zone:
    slug: str
    names: tuple[str, ...]  # Chinese names, the first the full one, the last the short one shown in tables
    english: tuple[str, ...]  # English names, the first the label
    parent: str  # division code of the district, city or province it lies in
    prefixes: tuple[str, ...] = ()  # document-number prefixes of its administration (沪自贸临管规范〔2023〕4号)


# National-level new areas (国家级新区) as the State Council approved them, 1992–2017, and well-known zones.
ZONES = (
    Zone("lingang", ("中国（上海）自由贸易试验区临港新片区", "中国(上海)自由贸易试验区临港新片区", "上海自贸区临港新片区",
                     "上海自贸试验区临港新片区", "临港新区", "临港新片区"),
         ("Lingang New Area", "Lingang Special Area", "Lingang"), "310115", ("沪自贸临",)),
    Zone("shanghai-ftz", ("中国（上海）自由贸易试验区", "中国(上海)自由贸易试验区", "上海自由贸易试验区", "上海自贸试验区",
                          "上海自贸区"), ("Shanghai Pilot Free Trade Zone", "Shanghai Free Trade Zone", "Shanghai FTZ"),
         "310115"),
    Zone("zhangjiang", ("张江高科技园区", "张江科学城", "张江"), ("Zhangjiang",), "310115"),
    Zone("hongqiao-cbd", ("虹桥国际中央商务区", "上海虹桥商务区", "虹桥商务区"), ("Hongqiao Central Business District",),
         "310000"),
    Zone("bda", ("北京经济技术开发区", "北京经开区", "亦庄经济技术开发区", "北京亦庄", "亦庄"),
         ("Beijing Economic-Technological Development Area", "Beijing Economic and Technological Development Area",
          "Beijing E-Town", "Yizhuang"), "110115", ("京技管",)),
    Zone("zhongguancun", ("中关村国家自主创新示范区", "中关村科技园区", "中关村"), ("Zhongguancun",), "110000"),
    Zone("xiongan", ("河北雄安新区", "雄安新区", "雄安"), ("Xiong'an New Area", "Xiongan New Area", "Xiong'an", "Xiongan"),
         "130000"),
    Zone("teda", ("天津经济技术开发区", "天津经开区", "泰达"), ("Tianjin Economic-Technological Development Area", "TEDA"),
         "120116"),
    Zone("liangjiang", ("重庆两江新区", "两江新区"), ("Liangjiang New Area",), "500000"),
    Zone("zhoushan-new", ("浙江舟山群岛新区", "舟山群岛新区"), ("Zhoushan Archipelago New Area",), "330900"),
    Zone("lanzhou-new", ("兰州新区",), ("Lanzhou New Area",), "620100"),
    Zone("xixian", ("陕西西咸新区", "西咸新区"), ("Xixian New Area",), "610000"),
    Zone("guian", ("贵州贵安新区", "贵安新区"), ("Gui'an New Area", "Guian New Area"), "520000"),
    Zone("jinpu", ("大连金普新区", "金普新区"), ("Jinpu New Area",), "210200"),
    Zone("tianfu", ("四川天府新区", "天府新区"), ("Tianfu New Area",), "510000"),
    Zone("xiangjiang", ("湖南湘江新区", "湘江新区"), ("Xiangjiang New Area",), "430100"),
    Zone("jiangbei-nanjing", ("南京江北新区", "江北新区"), ("Jiangbei New Area",), "320100"),
    Zone("fuzhou-new", ("福州新区",), ("Fuzhou New Area",), "350100"),
    Zone("dianzhong", ("云南滇中新区", "滇中新区"), ("Dianzhong New Area",), "530100"),
    Zone("harbin-new", ("哈尔滨新区",), ("Harbin New Area",), "230100"),
    Zone("changchun-new", ("长春新区",), ("Changchun New Area",), "220100"),
    Zone("ganjiang", ("江西赣江新区", "赣江新区"), ("Ganjiang New Area",), "360000"),
    Zone("qianhai", ("深圳前海深港现代服务业合作区", "前海深港现代服务业合作区", "前海合作区", "前海"), ("Qianhai",), "440300"),
    Zone("hengqin", ("横琴粤澳深度合作区", "横琴"), ("Hengqin",), "440400"),
    Zone("guangzhou-dd", ("广州经济技术开发区", "广州开发区"), ("Guangzhou Development District",), "440112"),
    Zone("suzhou-sip", ("中国—新加坡苏州工业园区", "苏州工业园区"), ("Suzhou Industrial Park",), "320500"),
    Zone("east-lake", ("武汉东湖新技术开发区", "东湖新技术开发区", "东湖高新区", "中国光谷", "光谷"),
         ("East Lake High-tech Zone", "Donghu High-tech Zone", "Optics Valley"), "420100"),
    Zone("chengdu-hitech", ("成都高新技术产业开发区", "成都高新区"), ("Chengdu Hi-tech Zone", "Chengdu High-tech Zone"),
         "510100"),
    Zone("xian-hitech", ("西安高新技术产业开发区", "西安高新区"), ("Xi'an Hi-tech Zone", "Xi'an High-tech Zone"), "610100"),
    Zone("hefei-hitech", ("合肥高新技术产业开发区", "合肥高新区"), ("Hefei Hi-tech Zone", "Hefei High-tech Zone"), "340100"),
    Zone("zhengzhou-airport", ("郑州航空港经济综合实验区", "郑州航空港区"), ("Zhengzhou Airport Economy Zone",), "410100"),
    Zone("pingtan", ("福建平潭综合实验区", "平潭综合试验区", "平潭综合实验区"),
         ("Pingtan Comprehensive Experimental Zone", "Pingtan Comprehensive Pilot Zone"), "350128", ("岚综",)),
)  # fmt: skip

# Names of divisions as users and documents also write them (a new area that is itself a district).
DIVISION_ALIASES = {
    "440115": ("广州南沙新区", "南沙新区", "Nansha New Area"),
    "370211": ("青岛西海岸新区", "西海岸新区", "West Coast New Area"),
    "120116": ("天津滨海新区",),
    # counties renamed since the code table was made whose new name is not "<stem>市/区" (gazetteer._renamed_forms)
    "610427": ("彬州市", "彬州"),  # 彬县, a county-level city since 2018
    "130223": ("滦州市", "滦州"),  # 滦县, a county-level city since 2018
}

# Shanghai's district governments number their documents 徐府发, 浦府发 …: "<district>府" (长府 is Changchun's).
DISTRICT_PREFIXES = {
    "黄府": "310101", "徐府": "310104", "静府": "310106", "普府": "310107", "虹府": "310109", "杨府": "310110",
    "闵府": "310112", "宝府": "310113", "嘉府": "310114", "浦府": "310115", "金府": "310116", "松府": "310117",
    "青府": "310118", "奉府": "310120", "崇府": "310151",
}  # fmt: skip

# City abbreviations that document numbers use and that are not the first character of the city's name.
CITY_ABBREVIATIONS = {
    "宁": "320100", "穗": "440100", "榕": "350100", "甬": "330200", "锡": "320200", "邕": "450100",
    "筑": "520100", "蓉": "510100", "并": "140100", "汴": "410200",
}  # fmt: skip


def zone_code(zone: Zone) -> str:
    """A zone's code: its parent's division code and its slug ("310115-lingang"), never a GB/T 2260 code."""
    return f"{zone.parent}-{zone.slug}"
