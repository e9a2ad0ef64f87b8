"""Cold start: a fresh process answers a table question without loading what it does not use
(chromadb, llama-index, pypinyin, an encoder) and without loading jieba's dictionary whole — the
dictionary is read word by word from the home (index/tokenize.py), with the same tokens and tags."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

_TOKENS = r"""
import json, sys
import index.tokenize as T
if sys.argv[1] != "-":
    T.use_cache_dir(sys.argv[1])
texts = [json.loads(line)["q"] for name in ("dev", "heldout")
         for line in open(f"eval/datasets/{name}.jsonl", encoding="utf-8")]
texts += [line for line in open("assistant/samples/" + sys.argv[2], encoding="utf-8")]
T.add_words(["中卫市", "平潭综合实验区"])
print(json.dumps([[T.tokenize(t) for t in texts], [T.tag_words(t) for t in texts[:300]],
                  [T.is_dictionary_word(w) for w in ("政府", "公开", "政府信息公开申请书面", "")],
                  [T.char_pinyin(chr(c)) for c in range(0x4E00, 0xA000, 7)]],
                 ensure_ascii=False))
print(type(T._jieba().dt.FREQ).__name__, file=sys.stderr)
"""


def _run(code: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})}, timeout=600, check=True)


def test_the_stored_dictionary_tokenizes_and_tags_as_jieba_does(tmp_path: Path) -> None:
    sample = sorted(p.name for p in (REPO / "assistant" / "samples").glob("*.txt"))[0]
    whole = _run(_TOKENS, "-", sample)
    built = _run(_TOKENS, str(tmp_path), sample)  # builds the file
    again = _run(_TOKENS, str(tmp_path), sample)  # reads it
    assert whole.stderr.strip().endswith("dict") and again.stderr.strip().endswith("_LazyTable")
    assert (tmp_path / "jieba-dictionary.sqlite").exists()
    assert json.loads(built.stdout) == json.loads(whole.stdout) == json.loads(again.stdout)


_ASK = r"""
import json, sys, time
t0 = time.process_time()
from assistant.service import Assistant
from assistant.settings import Settings
a = Assistant(Settings(home=sys.argv[1], encoder="hashing"), say=lambda m: None)
answer = a.ask(sys.argv[2])
import index.tokenize as T
print(json.dumps({"answer": answer, "cpu_s": time.process_time() - t0,
                  "loaded": sorted({m.split(".")[0] for m in sys.modules}),
                  "posseg": "jieba.posseg" in sys.modules,
                  "words_read": len(T._jieba().dt.FREQ)}, ensure_ascii=False))
"""


def _ingest_samples(home: Path, settings: str) -> None:
    """The bundled sample ingested into `home` in a process of its own (`settings`: Settings' other arguments)."""
    _run("import sys\nfrom assistant.service import Assistant\nfrom assistant.settings import Settings\n"
         f"a = Assistant(Settings(home=sys.argv[1], {settings}), say=lambda m: None)\n"
         "assert all(r.ok for r in a.ingest_samples())", str(home))


def test_a_cold_table_question_loads_only_what_it_uses(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _ingest_samples(home, "encoder='hashing'")
    reports = json.loads(_run("import sys, json\nfrom assistant.service import Assistant\n"
                              "from assistant.settings import Settings\n"
                              "print(json.dumps(Assistant(Settings(home=sys.argv[1])).reports(), ensure_ascii=False))",
                              str(home)).stdout)
    body, year = reports[0]["body"], reports[0]["year"]
    out = json.loads(_run(_ASK, str(home), f"{body}{year}年收到多少政府信息公开申请？").stdout)
    assert out["answer"]["route"] == "table" and out["answer"]["values"]
    for heavy in ("chromadb", "llama_index", "pypinyin", "torch", "sentence_transformers", "numpy", "sqlalchemy",
                  "pydantic_settings"):  # pydantic itself types the settings (assistant/settings.py)
        assert heavy not in out["loaded"], heavy
    # jieba's dictionary was read word by word, not whole (350,000 words and 230,000 prefixes)
    assert out["words_read"] < 5000


def test_a_texts_tokens_do_not_depend_on_the_names_a_process_learned() -> None:
    """Each add_word grows jieba's total count, which weighs every cut: a worker that had read more reports
    cut 「本年」 apart in 502 of 1,268 stored texts. The names are an overlay; the total stays the dictionary's."""
    from index.tokenize import add_words, tokenize

    texts = ["本年新收政府信息公开申请数量 自然人 197件", "中卫市2023年 三、收到和处理政府信息公开申请情况 上年结转政府信息公开申请数量 总计 1件",
             "本年度办理结果 予以公开 90件", "行政强制 本年处理决定数量 2127件", "本年制发件数 36件 现行有效件数 250件"]
    before = [tokenize(t) for t in texts]
    add_words([f"某某{i}市" for i in range(2000)])
    assert [tokenize(t) for t in texts] == before


# ---------------------------------------------------------------- the table route's reads without SQLAlchemy

def test_the_stdlib_reads_are_tablestores_row_for_row(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    """index/sqlite_reads.py answers the table route's reads itself: the same rows, in the same order, with
    the same types as TableStore (SQLAlchemy) reading the same file, call by call."""
    from index.sqlite_reads import SqliteTableStore

    store = corpus_assistant.store
    assert isinstance(store, SqliteTableStore)
    full = store.full  # TableStore over the same file
    every = full.reports()
    pairs = sorted({(r["body"], r["year"]) for r in every})
    bodies, years = sorted({b for b, _ in pairs}), sorted({y for _, y in pairs})
    some_rows = sorted({c["row_id"] for c in full.cells(body=bodies[0])})[:7]
    calls: list[tuple[str, dict[str, Any]]] = [
        ("generation", {}), ("stamp", {}), ("summary", {}), ("reports", {}), ("reports", {"with_text": True}),
        ("failures", {}), ("cells", {}), ("cells", {"tbl": ["A", "B"]}), ("cells", {"row_id": []}),
        ("reports", {"of": []}), ("failures", {"of": []}), ("reports", {"of": [("不存在的机关", 2023)]}),
        ("cells", {"body": "不存在的机关", "year": 2023}), ("cells", {"year": years[0], "col_id": "总计"})]
    for body, year in pairs:
        calls += [("reports", {"of": [(body, year)]}), ("failures", {"of": [(body, year)]}),
                  ("reports", {"of": {(body, year), (bodies[-1], years[0])}}),
                  ("failures", {"of": [(body, year), (bodies[0], years[-1])]}),
                  ("cells", {"body": body, "year": year}),
                  ("cells", {"body": body, "year": year, "tbl": "B", "row_id": list(reversed(some_rows)) * 2,
                             "col_id": "总计"}),
                  ("cells", {"body": [body], "year": (year,), "tbl": {"C", "A"}, "row_id": None}),
                  ("cells", {"body": body, "year": year, "tbl": "B", "row_id": some_rows[0], "col_id": "自然人"})]
    for name, kwargs in calls:
        mine, theirs = getattr(store, name)(**kwargs), getattr(full, name)(**kwargs)
        assert mine == theirs, (name, kwargs)
        assert json.dumps(mine, ensure_ascii=False, default=repr) == json.dumps(theirs, ensure_ascii=False,
                                                                                 default=repr), (name, kwargs)
    assert store.cells(body=pairs[0][0], year=pairs[0][1]) and store.failures()


def test_its_schema_is_tablestores() -> None:
    from index.sqlite_reads import INDEXES, SCHEMA
    from index.store import ADDED_INDEXES, metadata

    assert SCHEMA == {t.name: tuple(c.name for c in t.c) for t in metadata.sorted_tables}
    assert set(INDEXES) == set(ADDED_INDEXES)


def test_a_store_that_opening_would_change_is_opened_by_tablestore(tmp_path: Path) -> None:
    """Only a store TableStore would leave as it is is read without it: a new home, a store lacking an index
    or a column of this version, or the lexical index's triggers, is opened (and so upgraded) by TableStore."""
    import sqlite3

    from index.sqlite_reads import SqliteTableStore

    path = tmp_path / "store.sqlite"
    url = f"sqlite:///{path}"
    first = SqliteTableStore(url, path)
    assert first._full is not None and path.is_file()  # a new store: created by TableStore
    first.close()
    again = SqliteTableStore(url, path)
    assert again._full is None and again.generation() == 0 and again.summary() == []
    again.close()
    for damage, restored in [("DROP INDEX ix_reports_body_year", "ix_reports_body_year"),
                             ("DROP TRIGGER lex_cells_insert", "lex_cells_insert"),
                             ("DROP TABLE lex_bulk", "lex_bulk")]:
        with sqlite3.connect(path) as conn:
            conn.execute(damage)
        upgraded = SqliteTableStore(url, path)
        assert upgraded._full is not None, damage
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (restored,)).fetchone(), damage
        upgraded.close()
        assert SqliteTableStore(url, path)._full is None


# ---------------------------------------------------------------- settings: pydantic, its validator on first need

def test_settings_kept_as_given_are_the_settings_pydantic_validates(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """load_settings takes values pydantic would keep unchanged as they are (no validator built); the result is
    the model pydantic validates from the same input, field for field, type for type, fields set included."""
    from assistant.settings import Settings, load_settings

    for name in [k for k in os.environ if k.upper().startswith("ASSISTANT_")]:
        monkeypatch.delenv(name)
    cases: list[tuple[dict[str, Any], dict[str, str]]] = [
        ({}, {}), ({"home": Path("/tmp/h"), "dense": False}, {}), ({"home": Path("rel/h")}, {"ASSISTANT_ENCODER": "usem3"}),
        ({"home": Path("/tmp/h")}, {"assistant_chroma_url": "http://127.0.0.1:8000", "ASSISTANT_TOP_K": "7"}),
        ({"dense": True}, {"ASSISTANT_HOME": "/tmp/from-env", "ASSISTANT_DENSE": "off"}),
        ({"home": Path("/tmp/h"), "database_url": None, "llm_base_url": "http://x/v1"}, {})]
    for given, env in cases:
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        loaded, validated = load_settings(**given), Settings(**{k: v for k, v in given.items() if v is not None})
        assert type(loaded) is Settings
        assert loaded.model_fields_set == validated.model_fields_set, given
        assert {k: (type(v), v) for k, v in loaded.__dict__.items()} == \
            {k: (type(v), v) for k, v in validated.__dict__.items()}, given
        for k in env:
            monkeypatch.delenv(k)


_CLI = r"""
import json, runpy, sys
sys.argv = ["assistant", "--home", sys.argv[1], "--no-dense", "ask", sys.argv[2]]
try:
    runpy.run_module("assistant", run_name="__main__")
except SystemExit:
    pass
from assistant.settings import Settings
print(json.dumps({"loaded": sorted({m.split(".")[0] for m in sys.modules}),
                  "validator_built": Settings.__pydantic_complete__}))
"""


def test_a_cold_cli_table_question_imports_no_sql_layer(tmp_path: Path) -> None:
    """`python -m assistant ask` of a table question: no SQLAlchemy, and pydantic's validator for the settings
    is not built (the CLI's values are kept as given); a text question opens TableStore as before."""
    home = tmp_path / "home"
    _ingest_samples(home, "dense=False")
    report = json.loads(_run("import sys, json\nfrom assistant.service import Assistant\n"
                             "from assistant.settings import Settings\nprint(json.dumps(Assistant(Settings("
                             "home=sys.argv[1], dense=False)).reports()[0], ensure_ascii=False))", str(home)).stdout)
    out = _run(_CLI, str(home), f"{report['body']}{report['year']}年收到多少政府信息公开申请？")
    answer, state = out.stdout.splitlines()[0], json.loads(out.stdout.splitlines()[-1])
    assert "件" in answer and "sqlalchemy" not in state["loaded"] and state["validator_built"] is False
    out = _run(_CLI.replace('"ask",', '"ask", "--json",'), str(home),
               f"{report['body']}{report['year']}年在主动公开方面做了哪些工作？")
    text, state = json.loads(out.stdout.splitlines()[0]), json.loads(out.stdout.splitlines()[-1])
    assert text["sources"] and "sqlalchemy" in state["loaded"], text  # searched in the engine, through TableStore


# ---------------------------------------------------------------- knowledge files parsed once per version of their text

def test_a_data_file_kept_parsed_is_what_tomllib_reads(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Every knowledge file: parsed (and kept), then read back from what was kept — equal to tomllib's reading,
    type for type; an edited file is parsed again and its older form goes; nothing is kept where bytecode is not."""
    import sys
    import tomllib

    from index.datafile import load_toml

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    files = sorted((REPO / "index" / "data").rglob("*.toml"))
    assert len(files) >= 4
    for n, source in enumerate(files):
        copy = tmp_path / str(n) / source.name
        copy.parent.mkdir()
        copy.write_bytes(source.read_bytes())
        expected = tomllib.loads(source.read_text(encoding="utf-8"))
        first, again = load_toml(copy), load_toml(copy)
        assert first == again == expected and repr(again) == repr(expected), source.name
        assert len(list((copy.parent / "__pycache__").glob("*.marshal"))) == 1
    edited = tmp_path / "0" / files[0].name
    edited.write_text(edited.read_text(encoding="utf-8") + '\n[added_by_test]\nword = "新词"\n', encoding="utf-8")
    assert load_toml(edited)["added_by_test"] == {"word": "新词"}
    assert len(list((edited.parent / "__pycache__").glob("*.marshal"))) == 1  # the older form went
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    unkept = tmp_path / "unkept.toml"
    unkept.write_text('a = 1\nb = ["二", 3.5]\n', encoding="utf-8")
    assert load_toml(unkept) == {"a": 1, "b": ["二", 3.5]} and not (tmp_path / "__pycache__").exists()


def test_the_dictionary_stamp_reads_versions_as_importlib_metadata_does() -> None:
    from importlib.metadata import version

    from index.tokenize import installed_version

    for name in ("pypinyin", "jieba", "pydantic", "sqlalchemy"):
        assert installed_version(name) == version(name), name


def test_the_stdlib_reads_from_many_threads_and_after_closing(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    """The UI answers in a pool of threads: each reads over a connection of its own, and a closed store opens
    new ones when read again."""
    from concurrent.futures import ThreadPoolExecutor

    from index.sqlite_reads import SqliteTableStore

    store = corpus_assistant.store
    expected = (store.full.reports(), store.full.failures(), store.full.cells(tbl="B"))
    mine = SqliteTableStore(store.url, store.path)
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda _: (mine.reports(), mine.failures(), mine.cells(tbl="B")), range(32)))
    assert all(g == expected for g in got) and 2 <= len(mine._connections) <= 9  # the opening thread's too
    mine.close()
    assert not mine._connections and mine.reports() == expected[0]
    mine.close()
