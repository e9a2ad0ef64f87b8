"""The names of bodies: departments split from their government, official short forms made by rule
from the data table (index/data/bodies.toml), and one-character look-alike variants. Pure."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from index.datafile import load_toml

DATA = Path(__file__).parent / "data" / "bodies.toml"


@dataclass(frozen=True)
class BodyNaming:
    abbreviations: tuple[tuple[str, tuple[str, ...]], ...]  # longest printed word first
    department_suffixes: tuple[str, ...]
    place_suffixes: tuple[str, ...]
    lookalikes: dict[str, str]  # char → the other chars of its group
    provinces: tuple[str, ...] = ()  # 宁夏, 宁夏回族自治区…: said before a body they contain (宁夏中卫市)
    title_prefixes: tuple[str, ...] = ()  # 一图读懂…: before a body's name in a title, no part of it
    national_heads: tuple[str, ...] = ()  # 国家税务总局…: a vertical agency's head, left out in everyday use


@cache
def naming() -> BodyNaming:
    data = load_toml(DATA)
    abbreviations = sorted(((k, tuple(v)) for k, v in data["abbreviations"].items()), key=lambda kv: -len(kv[0]))
    look: dict[str, str] = {}
    for group in data["lookalikes"]:
        for ch in group:
            look[ch] = look.get(ch, "") + "".join(o for o in group if o != ch and o not in look.get(ch, ""))
    return BodyNaming(tuple(abbreviations), tuple(data["department_suffixes"]), tuple(data["place_suffixes"]), look,
                      tuple(data.get("provinces", ())), tuple(data.get("title_prefixes", ())),
                      tuple(data.get("national_heads", ())))


def split_department(name: str) -> tuple[str, str] | None:
    """(government, department) for a department's name — 沭阳县发展和改革局 → (沭阳县, 发展和改革局),
    江苏省人民政府办公厅 → (江苏省, 人民政府办公厅) — or None for a government itself. The department part
    is preferred where it starts with a word of the abbreviation table (so 某县市场监督管理局 splits
    after 县, not after 市)."""
    n = naming()
    if name.endswith(("人民政府", "政府")) or not name.endswith(n.department_suffixes):
        return None
    known, other = [], []
    starts = {w for w, shorts in n.abbreviations for w in (w, *shorts) if len(w) >= 2}
    for i in range(2, len(name) - 1):
        for suffix in n.place_suffixes:
            if name[:i].endswith(suffix) and len(name) - i >= 2:
                dept = name[i:]
                # a department starts with a word of the table, long or short (某区市场监管局: after 区)
                (known if any(dept.startswith(w) for w in starts) else other).append((name[:i], dept))
    if known:
        return max(known, key=lambda pd: len(pd[0]))
    usable = [pd for pd in other if not pd[1].startswith(n.place_suffixes)]
    return max(usable, key=lambda pd: len(pd[0])) if usable else None


def short_forms(department: str) -> list[str]:
    """Every short form of a department part by the abbreviation table, the printed one first:
    发展和改革局 → [发展和改革局, 发改局]; 科学技术委员会 → [科学技术委员会, 科委, …]."""
    forms = [department]
    slots: list[tuple[int, int, tuple[str, ...]]] = []
    taken = [False] * len(department)
    for word, shorts in naming().abbreviations:
        # the long word as printed, or one of its short forms (a title printing 市场监管局 is also asked
        # as 市场监督管理局 and 市监局)
        # (a short form is read back only for a word that is not a whole department: 公安 of 公安厅 is no 公安局)
        expandable = not word.endswith(naming().department_suffixes)
        for printed in (word, *(sorted(shorts, key=len, reverse=True) if expandable else ())):
            start = department.find(printed)
            if start >= 0 and not any(taken[start : start + len(printed)]):
                others = tuple(f for f in (word, *shorts) if f != printed)
                slots.append((start, start + len(printed), others))
                for k in range(start, start + len(printed)):
                    taken[k] = True
                break
    slots.sort()
    for choice in itertools.product(*[(None, *shorts) for _, _, shorts in slots]):
        out, pos = "", 0
        for (s, e, _), pick in zip(slots, choice, strict=True):
            out += department[pos:s] + (pick if pick is not None else department[s:e])
            pos = e
        out += department[pos:]
        if out not in forms:
            forms.append(out)
    return forms


def place_forms(place: str) -> list[str]:
    """A government's name as people qualify a department with it: 沭阳县 → [沭阳县, 沭阳, 县]."""
    forms = [place]
    for suffix in sorted(naming().place_suffixes, key=len, reverse=True):
        if place.endswith(suffix):
            if len(place) - len(suffix) >= 2:
                forms.append(place[: -len(suffix)])
            forms.append(suffix)
            break
    # a district or county after its city (福州市长乐区) is named without the city too (长乐区, 长乐)
    inner = re.match(r"^[\u4e00-\u9fff]{2,4}?[市州盟](?=[\u4e00-\u9fff]{2,5}[区县旗]$)", place)
    if inner:
        forms += [f for f in place_forms(place[inner.end():]) if f not in forms and len(f) >= 2]
    return forms


def department_aliases(name: str) -> list[str]:
    """Names people use for a department: every place form × every short form (沭阳县发改局, 沭阳发改局,
    县发改局, 沭阳县发展和改革局 …). A bare level word alone (县发改局) is an alias too: the corpus asks
    back when two bodies share it."""
    return list(_department_aliases(name))


@cache  # asked once per report of the body when a corpus is read (22 times a body at 10,000 reports)
def _department_aliases(name: str) -> tuple[str, ...]:
    split = split_department(name)
    if split is None:
        return ()
    place, dept = split
    qualified = [p + d for p in place_forms(place) for d in short_forms(dept)]
    return (*qualified, *[d for d in short_forms(dept) if len(d) >= 3 and d not in qualified])


def unqualified_kind(alias: str, body: str) -> str | None:
    """How a department's alias stands without its government's name: "bare" (发改局, 市场监管局) or
    "level" (县发改局 — the level word of its government only), else None. Such an alias names the body
    only standing alone: in 「沭阳县发改局」 the 县 and 发改局 belong to 沭阳县, not to another county's bureau."""
    split = split_department(body)
    if split is None:
        return None
    forms = short_forms(split[1])
    if alias in forms:
        return "bare"
    if alias[:1] in _LEVELS and alias[1:] in forms:
        return "level"
    return None


def qualified_before(text: str, start: int, kind: str | None) -> bool:
    """Is an unqualified alias at text[start:] qualified by what precedes it (a place's suffix for a bare
    one, any word for a level one), so that it does not stand alone?"""
    if kind is None or start == 0:
        return False
    before = text[start - 1]
    if kind == "level":
        return "\u4e00" <= before <= "\u9fff"
    return before in _LEVELS


_LEVELS = "省市县区州旗镇乡"


def lookalike_variants(name: str) -> Iterator[str]:
    """Every name one look-alike character away from `name` (沭阳县 → 沐阳县 …)."""
    look = naming().lookalikes
    for i, ch in enumerate(name):
        for other in look.get(ch, ""):
            yield name[:i] + other + name[i + 1 :]


def one_lookalike_apart(a: str, b: str) -> bool:
    if len(a) != len(b) or a == b:
        return False
    diffs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diffs) == 1 and diffs[0][1] in naming().lookalikes.get(diffs[0][0], "")
