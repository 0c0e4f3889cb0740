"""Text normalisation that keeps character offsets, so signals point into the original text."""

from __future__ import annotations

# Traditional characters common in residents' messages, mapped one to one to simplified ones
# (so offsets stay the same). Enough for the danger lexicon; not a converter.
_TRADITIONAL = str.maketrans(
    "殺樓無沒來強姦藥鎖關帶綁賣見說別們動還會裡個這歲媽爺應電話學兒對經嗎蹤遺書離婚婦聯鄰開門後"
    "過傷瘋嚇燒讓將錢給騙顧頭腳醫報警車從當時間現問題孫條繩農滅絕鬥嗚們難聽罵僱幫憂懼亂",
    "杀楼无没来强奸药锁关带绑卖见说别们动还会里个这岁妈爷应电话学儿对经吗踪遗书离婚妇联邻开门后"
    "过伤疯吓烧让将钱给骗顾头脚医报警车从当时间现问题孙条绳农灭绝斗呜们难听骂雇帮忧惧乱",
)


def _table() -> dict[int, str]:
    table: dict[int, str] = {cp: chr(cp - 0xFEE0).lower() for cp in range(0xFF01, 0xFF5F)}
    table.update({cp: chr(cp).lower() for cp in range(ord("A"), ord("Z") + 1)})
    table.update({ord(ch): " " for ch in "\t\n\r\x0b\x0c\u3000\u00a0"})
    table.update({k: chr(v) if isinstance(v, int) else str(v) for k, v in _TRADITIONAL.items()})
    return table


_TABLE = _table()


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, common traditional forms to simplified.

    The result has exactly the length of the input, character for character (one table
    lookup per character, in C).
    """
    return text.translate(_TABLE)
