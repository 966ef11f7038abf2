"""Chinese names for people, places and organizations, drawn from a seeded RNG."""

from __future__ import annotations

import random
from itertools import accumulate

#: The most common surnames with rough weights (per mille of the population).
SURNAMES = (
    ("王", 72), ("李", 71), ("张", 69), ("刘", 54), ("陈", 45), ("杨", 32),
    ("黄", 23), ("赵", 22), ("吴", 21), ("周", 21), ("徐", 17), ("孙", 15),
    ("马", 15), ("朱", 14), ("胡", 13), ("郭", 12), ("何", 12), ("高", 11),
    ("林", 11), ("罗", 10), ("郑", 10), ("梁", 9), ("谢", 8), ("宋", 7),
    ("唐", 7), ("许", 7), ("韩", 7), ("冯", 6), ("邓", 6), ("曹", 6),
    ("彭", 6), ("曾", 6), ("肖", 5), ("田", 5), ("董", 5), ("袁", 5),
    ("潘", 5), ("于", 5), ("蒋", 5), ("蔡", 5), ("余", 4), ("杜", 4),
    ("叶", 4), ("程", 4), ("苏", 4), ("魏", 4), ("吕", 4), ("丁", 4),
    ("任", 4), ("沈", 4), ("姚", 3), ("卢", 3), ("姜", 3), ("崔", 3),
    ("钟", 3), ("谭", 3), ("陆", 3), ("汪", 3), ("范", 3), ("金", 3),
    ("石", 3), ("廖", 3), ("贾", 3), ("夏", 3), ("韦", 3), ("付", 3),
    ("方", 3), ("白", 2), ("邹", 2), ("孟", 2), ("熊", 2), ("秦", 2),
    ("邱", 2), ("江", 2), ("尹", 2), ("薛", 2), ("闫", 2), ("段", 2),
    ("雷", 2), ("侯", 2), ("龙", 2), ("史", 2), ("陶", 2), ("黎", 2),
    ("贺", 2), ("顾", 2), ("毛", 2), ("郝", 2), ("龚", 2), ("邵", 2),
    ("万", 2), ("钱", 2), ("严", 2), ("覃", 1), ("武", 1), ("戴", 1),
    ("莫", 1), ("孔", 1), ("向", 1), ("汤", 1), ("欧阳", 1), ("司马", 1),
)  # fmt: skip

#: Characters common in given names.
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红梅鹏飞建国"
    "建华志强海燕凤英文斌宇浩然子涵欣怡思雨梓轩一诺佳琪晓东晓明春梅秋菊冬梅"
    "淑珍淑华德明德胜永红永刚小红小华立新卫东国庆爱民桂兰玉兰婷雪琳颖慧晨阳"
)

#: Syllables of street and community names (南京 style: 锁金村, 凤凰, 梅园 ...).
PLACE_A = "凤锁仙梅阅玄孝湖红兴新玉金银紫翠青丹清明长安康宁和平永泰丰瑞福寿"
PLACE_B = "凰金林园江武陵南山北门桥湾塘苑庄村坊巷台湖岗城河桥泉霞岭洲圩"
COMMUNITY_SUFFIX = ("新村", "花园", "小区", "里", "苑", "坊", "街", "路", "西", "东")

ORG_THEMES = (
    "邻里互助", "银龄关爱", "阳光助残", "童心成长", "书香悦读", "巧手编织",
    "法律援助", "心理关怀", "绿色家园", "平安守护", "文体健身", "助餐送餐",
    "四点半课堂", "社区营造", "议事协商", "应急救护", "红色物业", "就业帮扶",
    "健康服务", "家庭教育", "睦邻友好", "为老服务", "青少年发展", "残疾人康复",
)  # fmt: skip
ORG_SUFFIX = {
    "community_service": ("服务中心", "服务社", "互助会"),
    "elderly_care": ("养老服务中心", "助老服务社"),
    "youth": ("青少年服务中心", "儿童之家"),
    "disability": ("助残服务中心", "康复服务社"),
    "culture_sports": ("文体协会", "艺术团"),
    "social_work_agency": ("社会工作服务中心", "社工事务所"),
    "volunteer_team": ("志愿服务队", "志愿者协会"),
    "other": ("发展中心", "促进会"),
}
PROJECT_THEMES = {
    "elderly": ("独居老人上门探访", "老年助餐送餐", "银龄智能手机课堂", "高龄老人助浴"),
    "children": ("四点半课堂", "亲子阅读", "暑期托管", "儿童安全教育"),
    "disability": ("残障人士康复陪护", "助残出行", "手语角"),
    "health": ("义诊进社区", "慢病健康管理", "急救知识培训"),
    "education": ("周末学业辅导", "家长学校", "老年大学"),
    "culture": ("广场舞队", "社区合唱团", "书画兴趣班", "邻里文化节"),
    "legal": ("法律咨询进社区", "反诈宣传"),
    "mediation": ("楼道议事会", "邻里纠纷调解"),
    "environment": ("垃圾分类督导", "楼道美化", "口袋公园养护"),
    "emergency": ("防汛应急演练", "消防安全巡查"),
    "employment": ("就业技能培训", "青年就业见习"),
    "governance": ("居民议事厅", "网格员协同巡查"),
}  # fmt: skip


class Namer:
    """Names from one seeded RNG; places come out unique within their parent."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._surnames = [s for s, _w in SURNAMES]
        self._cum = list(accumulate(w for _s, w in SURNAMES))

    def person(self) -> str:
        """A full name: surname plus one or two given-name characters."""
        rng = self.rng
        surname = rng.choices(self._surnames, cum_weights=self._cum)[0]
        given = rng.choice(GIVEN)
        if rng.random() < 0.7:
            given += rng.choice(GIVEN)
        return surname + given

    def _place(self) -> str:
        rng = self.rng
        return rng.choice(PLACE_A) + rng.choice(PLACE_B)

    def streets(self, n: int) -> list[str]:
        """``n`` distinct street names (…街道)."""
        names: list[str] = []
        seen: set[str] = set()
        while len(names) < n:
            name = self._place() + "街道"
            if name in seen:
                name = self._place() + self.rng.choice("东西南北中") + "街道"
            if name not in seen:
                seen.add(name)
                names.append(name)
        return names

    def communities(self, n: int) -> list[str]:
        """``n`` distinct community names (…社区) for one street."""
        names: list[str] = []
        seen: set[str] = set()
        while len(names) < n:
            name = self._place() + self.rng.choice(COMMUNITY_SUFFIX) + "社区"
            if name in seen:
                name = f"{self._place()}{len(names) + 1}社区"
            if name not in seen:
                seen.add(name)
                names.append(name)
        return names

    def organization(self, place: str, org_type: str) -> str:
        """An organization name: place, theme, kind (may repeat; caller dedupes)."""
        rng = self.rng
        return place + rng.choice(ORG_THEMES) + rng.choice(ORG_SUFFIX[org_type])

    def project(self, place: str, category: str) -> str:
        return place + self.rng.choice(PROJECT_THEMES[category])
