"""The stored jieba dictionary's table (index/tokenize._LazyTable), which every ingest worker's jieba looks
words up in several times per character: `in`, `[]` and `get` answer as jieba's own whole dictionary does,
for words, bare prefixes (frequency 0), strings it lacks and keys that are no strings — before and after
a key was fetched, and after jieba writes a word (add_word's prefixes)."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_the_stored_table_answers_as_jiebas_dictionary(tmp_path: Path) -> None:
    jieba = pytest.importorskip("jieba")
    from index.tokenize import _LazyTable, _StoredDictionary

    whole, _ = jieba.dt.gen_pfdict(jieba.dt.get_dict_file())
    stored = _StoredDictionary.open(tmp_path, jieba)
    try:
        table = _LazyTable(stored, "freq")
        words = [w for w, n in list(whole.items())[:3000:7] if n > 0]
        prefixes = [w for w, n in list(whole.items())[:20000] if n == 0][:300]
        absent = ["政府信息公开工作年度报告书", "zz不存在的词", "", "\x00", "淮按市"]
        assert words and prefixes and all(a not in whole for a in absent)
        for _ in range(2):  # first fetched from the file, then answered by the dict itself
            for key in [*words, *prefixes, *absent, 7, None, ("tuple",)]:
                assert (key in table) == (key in whole), key
                assert table.get(key) == whole.get(key), key
                assert table.get(key, "x") == whole.get(key, "x"), key
                if key in whole:
                    assert table[key] == whole[key], key
                else:
                    with pytest.raises(KeyError):
                        table[key]
        table["淮按市"] = 5  # jieba's add_word writes the word and its prefixes into the table
        assert "淮按市" in table and table["淮按市"] == 5 and table.get("淮按市") == 5
        table.update({"zz不存在的词": 0})
        assert "zz不存在的词" in table and table["zz不存在的词"] == 0
    finally:
        stored.close()


def _direct(text: str) -> list[str]:
    """Tokens as jieba gives them for the whole text at once (what `tokenize` did before it cut by block)."""
    from index.tokenize import _KEEP, _jieba, normalize

    return [t.lower() for t in _jieba().lcut_for_search(normalize(text)) if _KEEP.search(t)]


def _texts() -> list[str]:
    """Every sample report's text in overlapping windows (as chunks overlap), and texts mixing the blocks jieba
    cuts apart: Chinese, Latin letters and digits, punctuation, spaces, full-width forms."""
    from conftest import SHARED  # the shared reports, read where present (never copied)

    from assistant.service import SAMPLES_DIR

    shared = SHARED / "reports"
    texts = []
    for f in sorted([*SAMPLES_DIR.glob("*.txt"), *(shared.glob("*.txt") if shared.is_dir() else [])]):
        body = f.read_text(encoding="utf-8")
        texts += [body[i : i + 220] for i in range(0, len(body), 160)]
    texts += ["政府信息公开工作年度报告（2023年度）ＡＢＣ 12345热线 c++ 12.5% 收到申请 197 件，较上年增长 3.5%。",
              "本机关 2023 年 共 收到 政府信息公开申请 ２１ 件…… 其中：自然人 18 件；法人或其他组织 3 件"]
    return texts


def test_tokens_cut_by_block_are_the_whole_texts_tokens() -> None:
    """`tokenize` cuts each of jieba's blocks once and remembers it: the same tokens as cutting the whole
    text, whether a block is cut anew or remembered (the second pass)."""
    pytest.importorskip("jieba")
    from index import tokenize as tk

    texts = _texts()
    assert len(texts) > 30
    tk._blocks.clear()
    for _ in range(2):
        for text in texts:
            assert tk.tokenize(text) == _direct(text), text
    assert tk._blocks  # the second pass was answered from what the first remembered


def test_a_word_learned_later_recuts_only_the_blocks_that_hold_it() -> None:
    """A body's name taught to jieba after a text was cut (`add_words`, as the ingest does for every
    report): a remembered block holding the name is cut again — the name now one token — and the others
    keep tokens equal to a fresh cut."""
    pytest.importorskip("jieba")
    from index import tokenize as tk

    name = "滢渟峪区"  # no word of jieba's dictionary: cut into pieces until learned
    holding = f"{name}人民政府2023年收到政府信息公开申请"
    other = "本年度共收到政府信息公开申请二十一件"
    before = tk.tokenize(holding)
    assert name not in before and tk.tokenize(other) == _direct(other)
    texts = _texts()
    for text in texts:  # many blocks remembered around them
        tk.tokenize(text)
    remembered = {b: kept[0] for b, kept in tk._blocks.items()}
    tk.add_words([name])
    after = tk.tokenize(holding)
    assert name in after and after == _direct(holding) and after != before
    assert tk.tokenize(other) == _direct(other)
    for text in texts:
        assert tk.tokenize(text) == _direct(text)
    for block, tokens in remembered.items():  # a block holding the name cut again, the others reused as cut
        assert (tk._blocks[block][0] is tokens) == (name not in block), block
