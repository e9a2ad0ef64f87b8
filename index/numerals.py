"""Chinese numerals (三千一百零八, 两千, 二〇二三) read as numbers: one definition for the prose figures the
answers bind and for the LLM's evidence check."""

from __future__ import annotations

import re

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG_UNITS = {"万": 10**4, "亿": 10**8}
CN = "零〇一二两三四五六七八九十百千万亿"


def chinese_value(run: str) -> int | None:
    """二〇二三 → 2023, 两千 → 2000, 一万二千零五 → 12005, 十五 → 15; None for runs that are no number
    (十四五, 三三两两)."""
    if not any(c in CN_SMALL_UNITS or c in CN_BIG_UNITS for c in run):
        return int("".join(str(CN_DIGITS[c]) for c in run))
    total, section, digit = 0, 0, None
    for c in run:
        if c in CN_DIGITS:
            if digit not in (None, 0) and CN_DIGITS[c] != 0:
                return None  # two digits without a unit between them
            digit = CN_DIGITS[c]
        elif c in CN_SMALL_UNITS:
            section += (1 if digit is None else digit) * CN_SMALL_UNITS[c]
            digit = None
        else:
            if total == section == 0 and digit is None:
                return None  # 万 or 亿 with nothing before it
            total = (total + section + (digit or 0)) * CN_BIG_UNITS[c]
            section, digit = 0, None
    return total + section + (digit or 0)


# a count written in words before its measure word (三千一百零八条, 二十四期, 十四场): never a lone digit
# (一是, 三个方面), never an ordinal (第二十条), never a run that is no number (十四五规划)
_COUNTED_RUN = re.compile(rf"(?<![第{CN}])([{CN}]*[十百千万亿][{CN}]*)(?=[余多]?(?:条|件|个|次|场|期|篇|项|份|家|人|户|所|批|万元|元))")


def figures_in_words(text: str) -> tuple[str, dict[str, str]]:
    """`text` with counts written in words as digits, and each digit string → the words as printed."""
    printed: dict[str, str] = {}

    def digits(m: re.Match[str]) -> str:
        value = chinese_value(m.group(1))
        if value is None:
            return m.group(0)
        printed[str(value)] = m.group(1)
        return str(value)

    return _COUNTED_RUN.sub(digits, text), printed
