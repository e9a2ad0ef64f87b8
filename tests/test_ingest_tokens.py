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
