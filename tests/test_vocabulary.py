"""The question vocabulary as data (index/data/vocabulary.toml): each phrase means one thing, the file
is checked against the catalog when read, and a synonym added to the file reaches the reader."""

from __future__ import annotations

import copy
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from index.vocabulary import DATA, VocabularyError, conflicts, meanings, parse, vocabulary

REPO = Path(__file__).resolve().parents[1]


def raw() -> dict:
    return tomllib.loads(DATA.read_text(encoding="utf-8"))


def test_the_file_says_each_thing_once() -> None:
    assert conflicts() == []


def test_every_phrase_has_exactly_one_meaning() -> None:
    many = {p: m for p, m in meanings().items() if len(m) != 1}
    assert many == {}
    # the catalog's printed labels are phrases too, and the vocabulary's names add to them
    table = meanings()
    assert table["保护第三方合法权益"] == ["row:B.withheld_third_party"]
    assert table["隐私"] == ["row:B.withheld_third_party"]
    assert table["总计"] == ["column:total"]  # the same column in tables B and C


def test_a_phrase_given_two_meanings_is_found() -> None:
    data = raw()
    data["row"]["B.withheld_secret"].append("隐私")  # already a name of B.withheld_third_party
    problems = conflicts(parse(data))
    assert any("隐私" in p and "B.withheld_secret" in p and "B.withheld_third_party" in p for p in problems)


def test_an_intent_word_that_also_names_a_row_is_found() -> None:
    data = raw()
    data["intent"]["audit"].append("重复")  # 重复 names B.rejected_repeat
    assert any("重复" in p and "intent:audit" in p for p in conflicts(parse(data)))


def test_a_label_shared_by_a_row_and_a_column_must_be_modelled() -> None:
    data = raw()
    assert data["label_means"] == {"其他": "row:B.other_other"}
    del data["label_means"]
    problems = conflicts(parse(data))
    assert any("其他" in p and "row:B.other_other" in p and "column:other_org" in p for p in problems)


@pytest.mark.parametrize("edit, finds", [
    (lambda d: d["row"]["B.granted"].append("予以公开"), "given twice"),  # the printed label again
    (lambda d: d["words"]["filler"].append("新收"), "fillers that their meaning"),  # names B.new already
    (lambda d: d["words"]["stop"].append("多少"), "in both function and stop"),
    (lambda d: d["words"]["domain"].append("政务公开"), "domain repeats"),
    (lambda d: d["words"]["filler"].append("的"), "single characters"),
    (lambda d: d["prose_topic"].update({"反映": ["诉求", "反映"]}), "lists itself"),
])
def test_repeats_and_dead_entries_are_found(edit, finds: str) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(raw())
    edit(data)
    assert any(finds in p for p in conflicts(parse(data))), conflicts(parse(data))


@pytest.mark.parametrize("edit, says", [
    (lambda d: d["row"].update({"B.no_such_row": ["x"]}), "not a catalog row"),
    (lambda d: d["row"].update({"B.new+C.review": ["x"]}), "one table"),
    (lambda d: d["column"].update({"nationality": ["国籍"]}), "unknown key"),
    (lambda d: d["group"].update({"refused": ["拒"]}), "unknown key"),
    (lambda d: d["cue"].update({"sometimes": ["有时"]}), "unknown key"),
    (lambda d: d.update({"rows": {}}), "unknown key"),
    (lambda d: d["label_means"].update({"其他": "column:total"}), "not one of the things printed"),
    (lambda d: d["row"]["B.new"].append(""), "non-empty strings"),
])
def test_the_file_is_checked_when_read(edit, says: str) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(raw())
    edit(data)
    with pytest.raises(VocabularyError, match=says):
        parse(data)


def test_catalog_rows_and_groups_read_their_everyday_names_from_the_file() -> None:
    from index.catalog import B_GROUPS, column, row

    assert row("B", "withheld_third_party").synonyms == vocabulary().row_names("B", "withheld_third_party")
    assert "隐私" in row("B", "withheld_third_party").synonyms
    assert "个人" in column("B", "natural").synonyms and "老百姓" not in column("B", "natural").synonyms
    label, names = B_GROUPS["withheld"]  # the (label, everyday names) pair other stages unpack
    assert label == "（三）不予公开" and "驳回" in names


def test_domain_words_come_from_the_file_and_stay_whole() -> None:
    from index.tokenize import DOMAIN_WORDS, tokenize

    assert DOMAIN_WORDS == vocabulary().domain_words and "12345热线" in DOMAIN_WORDS
    assert "12345热线" in tokenize("老百姓打12345热线反映问题")


def _run_with(vocab_text: str, tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "vocabulary.toml"
    path.write_text(vocab_text, encoding="utf-8")
    prelude = f"import index.vocabulary as v; from pathlib import Path; v.DATA = Path({str(path)!r})\n"
    return subprocess.run([sys.executable, "-c", prelude + code], cwd=REPO, capture_output=True, text=True,
                          timeout=120)


def test_a_synonym_is_one_line_in_one_place(tmp_path: Path) -> None:
    ask = ("from assistant.understand import Corpus, understand\n"
           "c = Corpus.from_reports([{'body': '中卫市', 'year': 2023, 'aliases': ['中卫市']}])\n"
           "m = understand('中卫市2023年因为涉及商秘不公开的有几件', c).metric\n"
           "print(m.rows if m else None)\n")
    text = DATA.read_text(encoding="utf-8")
    before = _run_with(text, tmp_path, ask)
    assert before.returncode == 0, before.stderr
    assert before.stdout.strip() != "('withheld_third_party',)"  # 商秘 is no known name today
    line = '"B.withheld_third_party" = ['
    assert text.count(line) == 1
    after = _run_with(text.replace(line, line + '"商秘", '), tmp_path, ask)
    assert after.returncode == 0, after.stderr
    assert after.stdout.strip() == "('withheld_third_party',)"


def test_cue_words_of_an_unregistered_intent_fail_at_import(tmp_path: Path) -> None:
    text = DATA.read_text(encoding="utf-8").replace("[intent]\n", '[intent]\nsumary = ["哪些内容"]\n', 1)
    result = _run_with(text, tmp_path, "import assistant.understand\n")
    assert result.returncode != 0 and "sumary" in result.stderr and "not registered" in result.stderr
