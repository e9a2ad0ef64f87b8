"""Stage 4b — cell sentences: every stored table cell written out as one short Chinese sentence, so that
text retrieval (BM25 and dense vectors) can land on a cell when no rule names its row:

    中卫市2023年 三、收到和处理政府信息公开申请情况 本年新收政府信息公开申请数量（新收、收到…） 自然人（个人、老百姓…） 197件

The everyday names come from the question vocabulary (index/data/vocabulary.toml), so a synonym added
there reaches the cell sentences at the next ingest. The sentence is for finding the cell only. Its (table, row, column) point back to the stored cell, and
the figure an answer states is always read from that stored cell, never from this text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from index.catalog import B_GROUPS, TABLE_TITLES, column, row
from index.tokenize import tokenize
from index.vocabulary import vocabulary

KIND = "cells"  # the companion vector collection and the id infix of cell sentences
_QUESTION_FORM = re.compile(r"多少|几")  # 「收了多少钱」 is how a question asks, not a name of the row
_UNIT_NOTE = re.compile(r"（单位：[^）]*）")  # 「本年收费金额（单位：万元）」: the figure carries its unit


class CellLike(Protocol):
    @property
    def table(self) -> str: ...
    @property
    def row(self) -> str: ...
    @property
    def column(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def unit(self) -> str | None: ...


def search_tokens(text: str) -> list[str]:
    """Tokens of a cell sentence or of a question asked of the cells: jieba's words of two or more
    characters, and numbers. A lone character (了, 的, 年 of 「23年」, 没 of 「没公开」 against 「还没审完」)
    matches by accident far more often than by meaning."""
    return [t for t in tokenize(text) if len(t) > 1 or t.isascii()]


@dataclass(frozen=True)
class CellText:
    """A cell sentence as stored: its id (also its vector's id) and its jieba tokens."""
    id: str
    table: str
    row: str
    column: str
    text: str
    tokens: list[str]


def _names(label: str, synonyms: Iterable[str]) -> str:
    """「（新收、收到…）」: the everyday names that the label's own words do not already give (新收 stays
    beside 本年新收…: the tokenizer keeps 本年新收 whole)."""
    words = set(tokenize(label))
    names = [s for s in dict.fromkeys(synonyms) if s not in words and not _QUESTION_FORM.search(s)]
    extra = [s for s in names if not any(s != o and s in o for o in names)]  # 拒绝 inside 拒绝公开
    return f"（{'、'.join(extra)}）" if extra else ""


@cache  # pure in its arguments (the vocabulary is read once): ~200 cells per report share 36 rows
def row_phrase(table: str, row_id: str) -> str:
    """The row's official label with its group and its everyday names, e.g.
    「（三）不予公开（不给公开、拒绝公开…） 1.属于国家秘密（涉密、保密）」."""
    r = row(table, row_id)
    vocab = vocabulary()
    group = ""
    if r.group:
        title = B_GROUPS[r.group][0]
        group = f"{title}{_names(title, vocab.groups.get(r.group, ()))} {r.item}."
    # its own names, then those of the sets it is asked for in (行政诉讼 for both kinds of lawsuit)
    names = [p for meaning, phrases in vocab.rows if meaning.table == table and row_id in meaning.rows
             for p in phrases]
    return f"{group}{r.label}{_names(r.label, names)}"


@cache
def column_phrase(table: str, column_id: str) -> str:
    """The column's label with its everyday names — except for 总计: the total is what a question
    that names no column asks for, so its phrase is the shortest of the row (BM25 prefers it on a
    tie), and 合计/一共 are words any question may use (「个人一共提了多少件」 asks for 自然人)."""
    label = _UNIT_NOTE.sub("", column(table, column_id).label)
    return label if column_id == "total" else f"{label}{_names(label, vocabulary().column_names(column_id))}"


@dataclass(frozen=True)
class CellSentence:
    table: str
    row: str
    column: str
    text: str  # the whole sentence: what dense vectors are made of and what a reader sees
    tokens: list[str]  # BM25 tokens: the row's and the column's words and the figure. Body and year are
    # filters, and the section title (收到和处理政府信息公开申请情况) would match every row of its table


def describe_cell(body: str, year: int, table: str, row_id: str, column_id: str, value: str,
                  unit: str | None) -> CellSentence:
    row_words, column_words = row_phrase(table, row_id), column_phrase(table, column_id)
    what = f"{row_words} {column_words} {value}{unit or ''}"
    tokens = [*_phrase_tokens(row_words), *_phrase_tokens(column_words), *search_tokens(f"{value}{unit or ''}")]
    return CellSentence(table, row_id, column_id, f"{body}{year}年 {TABLE_TITLES[table]} {what}", tokens)


@cache
def _phrase_tokens(phrase: str) -> tuple[str, ...]:
    return tuple(search_tokens(phrase))


def cell_sentence(body: str, year: int, table: str, row_id: str, column_id: str, value: str, unit: str | None) -> str:
    return describe_cell(body, year, table, row_id, column_id, value, unit).text


def cell_sentences(body: str, year: int, cells: Iterable[CellLike]) -> list[CellSentence]:
    """One sentence per cell, in the given order."""
    return [describe_cell(body, year, c.table, c.row, c.column, c.value, c.unit) for c in cells]
