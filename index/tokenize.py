"""jieba tokens for BM25 and question matching, with the domain dictionary loaded once.

jieba is imported lazily; `jieba.enable_paddle()` is never called (it pip-installs at run time)."""

from __future__ import annotations

import re
import threading
from functools import cache

DOMAIN_WORDS = (
    "政府信息公开", "依申请公开", "主动公开", "政务公开", "行政规范性文件", "规范性文件", "政务新媒体",
    "12345热线", "便民服务热线", "门户网站", "政府网站", "信息处理费", "行政复议", "行政诉讼", "不予公开",
    "予以公开", "部分公开", "无法提供", "不予处理", "其他处理", "上年结转", "本年新收", "结转下年度",
    "政策解读", "图文解读", "视频解读", "行政许可", "行政处罚", "行政强制", "行政事业性收费", "领导信箱",
    "网民留言", "群众诉求", "人大代表建议", "政协委员提案", "政府开放日", "村务公开", "新闻发布会",
    "重大行政决策", "三审三校", "勾稽关系", "政府公报", "信访举报", "政务服务", "工作要点", "意见征集",
)
_lock = threading.Lock()
_KEEP = re.compile(r"[\w\u4e00-\u9fff]")


@cache
def _jieba():  # type: ignore[no-untyped-def]
    with _lock:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        for word in DOMAIN_WORDS:
            jieba.add_word(word, freq=200000, tag="nz")
        jieba.initialize()
        return jieba


def add_words(words: list[str]) -> None:
    """Body names and aliases, so that 洪泽区 stays one token."""
    jb = _jieba()
    for w in words:
        jb.add_word(w, freq=100000, tag="ns")


def normalize(text: str) -> str:
    """Matching form: whitespace removed between CJK and digits ("2023 年" → "2023年"),
    full-width digits and brackets made half-width."""
    text = text.translate(str.maketrans("０１２３４５６７８９（）％：", "0123456789()%:"))
    text = re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", text)
    return re.sub(r"\s+", " ", text).strip()


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens (sub-words included, for recall), lowercased, punctuation dropped."""
    jb = _jieba()
    return [t.lower() for t in jb.lcut_for_search(normalize(text)) if _KEEP.search(t)]


def is_dictionary_word(word: str) -> bool:
    return bool(_jieba().dt.FREQ.get(word))


def tag_words(text: str) -> list[tuple[str, str]]:
    """(word, part of speech) from jieba.posseg (its HMM model; never the paddle mode)."""
    _jieba()
    import jieba.posseg as posseg

    return [(p.word, p.flag) for p in posseg.cut(normalize(text))]
