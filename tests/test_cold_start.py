"""Cold start: a fresh process answers a table question without loading what it does not use
(chromadb, llama-index, pypinyin, an encoder) and without loading jieba's dictionary whole — the
dictionary is read word by word from the home (index/tokenize.py), with the same tokens and tags."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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


def test_a_cold_table_question_loads_only_what_it_uses(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _run("import sys\nfrom assistant.service import Assistant\nfrom assistant.settings import Settings\n"
         "a = Assistant(Settings(home=sys.argv[1], encoder='hashing'), say=lambda m: None)\n"
         "assert all(r.ok for r in a.ingest_samples())", str(home))
    reports = json.loads(_run("import sys, json\nfrom assistant.service import Assistant\n"
                              "from assistant.settings import Settings\n"
                              "print(json.dumps(Assistant(Settings(home=sys.argv[1])).reports(), ensure_ascii=False))",
                              str(home)).stdout)
    body, year = reports[0]["body"], reports[0]["year"]
    out = json.loads(_run(_ASK, str(home), f"{body}{year}年收到多少政府信息公开申请？").stdout)
    assert out["answer"]["route"] == "table" and out["answer"]["values"]
    for heavy in ("chromadb", "llama_index", "pypinyin", "torch", "sentence_transformers", "numpy",
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
