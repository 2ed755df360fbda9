"""Synthetic names: people, villages, kindergartens. Random combinations, so no name stands for a real person.

Every character here is in GBK, because the household-registry export is written in GBK.
"""

from __future__ import annotations

import random

# Common surnames, with the Tujia and Miao surnames frequent in the region (向, 田, 覃, 冉, 谭) weighted up.
_SURNAMES = (
    "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗郑梁谢宋唐许邓冯韩曹曾彭蔡潘董袁于余叶蒋杜苏魏程吕丁沈任姚卢"
    "傅钟姜崔廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江薛尹段雷黎史龙陶贺顾毛郝龚邵万严"
)
_LOCAL_SURNAMES = "向田覃冉谭黄杨"
_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳杨成东文博晨睿轩泽豪然峰"
_FEMALE = "芳娜敏静丽艳娟霞燕玲丹萍红梅琳雪婷慧莉欣怡佳悦妍晴菲颖倩瑶璐萱涵琪雨月茜蕾露薇"
_NEUTRAL = "子思一嘉志家佳梓宏俊小春秋晓天金德永世海新紫若英清安心雅子"

_VILLAGE_FIRST = "黄青石柳杨桃李马龙凤金银双三五大小高新长白红茶竹松梨花"
_VILLAGE_SECOND = "坪坝岭溪河湾山园冲垭槽塘坡桥台岩田庄口林沟"
_KINDERGARTEN_WORDS = (
    "阳光", "启蒙", "小天使", "金太阳", "育苗", "童心", "博雅", "春苗", "蓝天", "七彩", "红苹果", "贝贝",
    "快乐", "新星", "小太阳", "彩虹", "智慧树", "小博士", "星星", "乐乐", "爱心", "童趣", "希望", "明珠",
    "小精灵", "花朵", "向日葵", "好孩子", "小蜜蜂", "未来星", "东方", "育英", "蒲公英", "红黄蓝", "开心",
)
_NUMERALS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    """Chinese numeral for 1..99, for names like 第十二初级中学."""
    if n <= 10:
        return _NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _NUMERALS[tens - 1]) + "十" + (_NUMERALS[ones - 1] if ones else "")


def surname(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(_LOCAL_SURNAMES)
    return rng.choice(_SURNAMES)


def given_name(rng: random.Random, sex: str) -> str:
    own = _MALE if sex == "男" else _FEMALE
    first = rng.choice(own if rng.random() < 0.5 else _NEUTRAL)
    if rng.random() < 0.15:  # one-character given names are common among adults and children alike
        return rng.choice(own)
    return first + rng.choice(own)


def full_name(rng: random.Random, sex: str, family: str | None = None) -> str:
    return (family or surname(rng)) + given_name(rng, sex)


def villages(rng: random.Random, township: str, count: int, communities: int = 0) -> list[str]:
    """Distinct village names for one township; the county seat also has urban 社区."""
    names: list[str] = [f"{w}社区" for w in ("东门", "西街", "南湖", "北苑", "新城", "滨江")[:communities]]
    seen = set(names)
    while len(names) < count + communities:
        name = rng.choice(_VILLAGE_FIRST) + rng.choice(_VILLAGE_SECOND) + "村"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def kindergarten_names(rng: random.Random, township: str, count: int, taken: set[str]) -> list[str]:
    """Private kindergartens are named by their owners: a township prefix and a cheerful word."""
    prefix = township.removesuffix("镇").removesuffix("乡")
    words = list(_KINDERGARTEN_WORDS)
    rng.shuffle(words)
    names: list[str] = []
    i = 0
    while len(names) < count:
        word = words[i % len(words)]
        name = f"{prefix}{word}幼儿园" if i < len(words) else f"{prefix}{word}第{numeral(i // len(words) + 1)}幼儿园"
        i += 1
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def phone(rng: random.Random) -> str:
    return rng.choice(("133", "135", "136", "139", "151", "152", "158", "159", "177", "180", "187", "189")) + \
        f"{rng.randrange(10**8):08d}"


def bank_card(rng: random.Random) -> str:
    """A 19-digit card number (bank prefix + digits + Luhn digit), never a real account."""
    body = rng.choice(("621799", "622848", "621700", "623059")) + f"{rng.randrange(10**12):012d}"
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)
