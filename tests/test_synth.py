"""The synthetic report generator (eval/synth.py): its truths obey the template arithmetic, every
rendering (tab text, PDF-like text, HTML, DOCX, PDF) parsed by the existing parser gives back exactly the
truth's cells, identity and consistency failures, and the corpus CLI writes reports plus a gold set."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from eval import synth
from index.catalog import rows_of
from index.identify import canonical_body, identify
from index.load import load_file, pdf_table_grids
from index.parse import ParsedReport, parse_loaded

REPO = Path(__file__).resolve().parents[1]

# Known parser failures on faithful renderings (see the report of the synth work). Each is detected
# precisely at run time, so the test turns into a normal pass as soon as the parser is fixed.
EMPTY_SECTION_BUG = (
    "index.tables._find_rows: zip(found, found[1:] + [None], strict=True) raises ValueError when a table "
    "section's text holds no row label at all — the case of every HTML/DOCX report, whose tables live only "
    "in <table>/Word tables (parse_table_a/b/c on the section text crashes before the grid is tried)"
)
TITLE_PREFIX_BUG = (
    "index.identify.identify squeezes the head lines together, so a breadcrumb/site-header line right above "
    "the title (「当前位置：首页 > 政务公开 > 政府信息公开年报」) is glued onto the body name "
    "(body「政府信息公开年报滨湖区」instead of「滨湖区」)"
)


def parse(path: Path) -> ParsedReport:
    try:
        return parse_loaded(load_file(path))
    except ValueError as exc:
        if "zip() argument 2 is longer than argument 1" in str(exc):
            pytest.xfail(EMPTY_SECTION_BUG)
        raise


def failure_key(f) -> tuple[str, str, str, str]:  # type: ignore[no-untyped-def]
    return (f.table, f.rule, f.expected, f.actual)


def assert_round_trip(truth: synth.ReportTruth, p: ParsedReport) -> None:
    assert (p.identity.body, p.identity.year) == (truth.body, truth.year), p.identity.title
    got = {(c.table, c.row, c.column): c.value for c in p.tables.cells}
    assert {k: got.get(k) for k in truth.cells} == truth.cells
    printed = synth._ROW_COLUMNS
    printed_extra = {k for k in set(got) - set(truth.cells) if k[2] in printed.get(k[:2], (k[2],))}
    assert not printed_extra, printed_extra
    assert not p.tables.unresolved and not p.tables.missing, (p.tables.unresolved, p.tables.missing)
    assert Counter(map(failure_key, p.checks)) == Counter(map(failure_key, truth.failures))
    assert {f.table for f in p.checks} >= {pl.table for pl in truth.planted}
    prose = "".join("".join(c.text.split()) for c in p.chunks)
    for fact in truth.facts.values():
        assert str(fact.value) in prose, (fact.key, fact.value)


# ---------------------------------------------------------------- the generator itself


def test_bodies_are_distinct_canonical_and_do_not_collide() -> None:
    bodies = synth.make_bodies(60, seed=4)
    assert len(set(bodies)) == 60
    seen: set[str] = set()
    for b in bodies:
        assert canonical_body(b) == b
        forms = synth.short_forms(b)
        assert not forms & seen, (b, forms & seen)
        seen |= forms
    assert synth.make_bodies(8, seed=4) == synth.make_bodies(8, seed=4)
    with pytest.raises(ValueError):
        synth.make_bodies(500, seed=1)


def _check_template_arithmetic(cells: dict[synth.CellKey, str]) -> list[str]:
    """FORMAT.md's rules, written out again here so the generator is not checked by its own code."""
    n = {k: Decimal(v) for k, v in cells.items()}
    six = ("natural", "business", "research", "public_interest", "legal_service", "other_org")
    items = ["granted", "partly_granted"] + [r.id for r in rows_of("B") if r.group]
    broken = []
    for r in synth.B_ROW_IDS:
        if sum(n[("B", r, c)] for c in six) != n[("B", r, "total")]:
            broken.append(f"B row_total {r}")
    for c in (*six, "total"):
        received = n[("B", "new", c)] + n[("B", "carried_over", c)]
        if received != n[("B", "total", c)] + n[("B", "carry_forward", c)]:
            broken.append(f"B received_equals_handled {c}")
        if sum(n[("B", r, c)] for r in items) != n[("B", "total", c)]:
            broken.append(f"B outcomes_sum_to_total {c}")
    for r in ("review", "suit_direct", "suit_after_review"):
        parts = [n[("C", r, c)] for c in ("upheld", "corrected", "other", "pending")]
        if sum(parts) != n[("C", r, "total")]:
            broken.append(f"C group_total {r}")
    return broken


def test_truths_hold_the_template_arithmetic() -> None:
    expected_keys = set(synth.all_cell_keys())
    assert len(expected_keys) == 10 + 25 * 7 + 15
    for body in synth.make_bodies(25, seed=9):
        for year in (2022, 2023, 2024):
            t = synth.generate_truth(body, year, seed=9)
            assert set(t.cells) == expected_keys
            assert _check_template_arithmetic(t.cells) == []
            assert t.failures == [] and t.planted == []
            for (table, row_id, col), v in t.cells.items():
                if (table, row_id) == ("A", "fee"):
                    assert Decimal(v) >= 0 and v == v.strip()
                else:
                    assert v.isdigit(), (row_id, col, v)
            assert t.title == f"{t.printed_name}{year}年政府信息公开工作年度报告"
            assert t.facts["applications"].value == int(t.value("B", "new", "total"))
            assert t.facts["phone"].value == synth.generate_truth(body, 2021, seed=9).facts["phone"].value
        # 上年结转 of one year is 结转下年度 of the year before
        t22, t23 = synth.generate_truth(body, 2022, seed=9), synth.generate_truth(body, 2023, seed=9)
        for c in synth.B_COL_IDS:
            assert t23.value("B", "carried_over", c) == t22.value("B", "carry_forward", c)
    again = synth.generate_truth("滨湖区", 2023, seed=9)
    assert again.cells == synth.generate_truth("滨湖区", 2023, seed=9).cells
    assert again.cells != synth.generate_truth("滨湖区", 2023, seed=10).cells


def test_planted_inconsistencies_are_recorded_and_real() -> None:
    kinds: Counter[str] = Counter()
    for body in synth.make_bodies(30, seed=2):
        good = synth.generate_truth(body, 2023, seed=2)
        bad = synth.generate_truth(body, 2023, seed=2, inconsistent=True)
        assert 1 <= len(bad.planted) <= 2
        broken = {(f.table, f.rule) for f in bad.failures}
        independent = {tuple(s.split()[:2]) for s in _check_template_arithmetic(bad.cells)}
        assert broken and broken == independent
        changed = {k for k in bad.cells if bad.cells[k] != good.cells[k]}
        planted_cells = {k for p in bad.planted for k in p.cells}
        assert changed == planted_cells
        for p in bad.planted:
            kinds[p.kind] += 1
            assert p.table in {"B", "C"} and p.description
            assert all((p.table, rule) in broken for rule in p.rules)
            for key, correct, printed in zip(p.cells, p.correct, p.printed, strict=True):
                assert good.cells[key] == correct and bad.cells[key] == printed != correct
    assert set(kinds) == set(synth._PLANT_KINDS)


# ---------------------------------------------------------------- renderings through the existing parser

_CASE_BODIES = synth.make_bodies(10, seed=21)


@pytest.mark.parametrize("inconsistent", [False, True], ids=["consistent", "inconsistent"])
@pytest.mark.parametrize("fmt", synth.FORMATS)
def test_rendering_parses_back_to_the_truth(fmt: str, inconsistent: bool, tmp_path: Path) -> None:
    body = _CASE_BODIES[synth.FORMATS.index(fmt) * 2 + int(inconsistent)]
    truth = synth.generate_truth(body, 2023, seed=21, inconsistent=inconsistent)
    path = synth.render(truth, fmt, tmp_path / f"report{synth.EXTENSIONS[fmt]}")
    raw = path.read_bytes()
    if fmt == "txt_tabs":
        assert b"\t" in raw
    elif fmt == "txt_pdflike":
        text = load_file(path).text
        assert "- 2 -" in text and "\t" not in text and " 年" in text
    elif fmt == "html":
        assert b"rowspan=" in raw and b"colspan=" in raw
    elif fmt == "pdf":
        assert load_file(path).pages  # text page by page; its ruled tables, for a table reader:
        assert len(pdf_table_grids(path)) >= 3
    p = parse(path)
    assert_round_trip(truth, p)
    assert bool(p.checks) == inconsistent


@pytest.mark.parametrize("fmt", ["txt_tabs", "txt_pdflike"])
def test_text_layouts_parse_back_across_many_bodies(fmt: str, tmp_path: Path) -> None:
    """The text renderers vary layout per report (zhongwei-style cut labels, vertical 三、本年度办理结果,
    split group labels, wrapped items, stray spaces, half-width brackets, GB18030 …): all must parse."""
    for i, body in enumerate(synth.make_bodies(24, seed=33)):
        truth = synth.generate_truth(body, 2022 + i % 3, seed=33, inconsistent=i % 4 == 0)
        p = parse(synth.render(truth, fmt, tmp_path / f"{i}.txt"))
        assert_round_trip(truth, p)


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_native_tables_parse_back_for_other_bodies(fmt: str, tmp_path: Path) -> None:
    for i, body in enumerate(synth.make_bodies(4, seed=44)):
        truth = synth.generate_truth(body, 2024, seed=44, inconsistent=i == 1)
        p = parse(synth.render(truth, fmt, tmp_path / f"{i}{synth.EXTENSIONS[fmt]}"))
        assert_round_trip(truth, p)


def test_html_page_with_breadcrumb_above_the_title(tmp_path: Path) -> None:
    truth = synth.generate_truth("滨湖区", 2023, seed=5)
    path = synth.render_html(truth, tmp_path / "page.html", page_chrome=True)
    identity = identify(load_file(path).text)
    assert identity is not None
    if identity.body != truth.body and identity.body.endswith(truth.body):
        pytest.xfail(TITLE_PREFIX_BUG)
    assert_round_trip(truth, parse(path))


# ---------------------------------------------------------------- corpus, gold set, CLI


def test_corpus_and_gold_questions(tmp_path: Path) -> None:
    reports = synth.write_corpus(tmp_path, 4, [2023, 2024], seed=8, inconsistent_share=0.25)
    assert len(reports) == 8 and len({r.path for r in reports}) == 8
    assert all(r.path.is_file() for r in reports)
    assert [r.fmt for r in reports] == [synth.FORMATS[i % 5] for i in range(8)]
    assert sum(1 for r in reports if r.truth.planted) == 2
    for r in reports:
        if r.fmt.startswith("txt"):
            assert_round_trip(r.truth, parse(r.path))
    gold = synth.gold_questions(reports, seed=8)
    assert gold == synth.gold_questions(reports, seed=8)
    assert len({g["id"] for g in gold}) == len(gold)
    truths = {(r.truth.body, r.truth.year): r.truth for r in reports}
    bodies = {b for b, _ in truths}
    cats = Counter(g["cat"] for g in gold)
    assert {"lookup", "sum", "prose", "compare", "trend", "none", "contact", "audit"} <= set(cats)
    for g in gold:
        assert {"id", "q", "type", "cat", "body", "year"} <= set(g) and g["q"].endswith("？")
        json.dumps(g, ensure_ascii=False)
        if g["type"] == "number":
            assert isinstance(g["value"], int | float) and g["unit"]
        elif g["type"] == "text":
            assert g["keywords"] and all(isinstance(k, str) and k for k in g["keywords"])
        else:
            assert g["type"] == "none" and "value" not in g
            if g["note"] == "body not in corpus":
                assert not synth.short_forms(g["body"]) & set().union(*map(synth.short_forms, bodies))
            elif g["note"] == "year not in corpus":
                assert g["body"] in bodies and (g["body"], g["year"]) not in truths
            elif g["note"] == "topic not in reports":
                assert (g["body"], g["year"]) in truths
            else:
                assert "hotline" not in truths[(g["body"], g["year"])].facts
        if g["cat"] == "lookup":
            t = truths[(g["body"], g["year"])]
            table, row_id, col = g["note"].removeprefix("表").split()
            assert Decimal(str(g["value"])) == t.number(table, row_id, col)
        if g["cat"] == "compare":
            t1, t2 = (truths[(g["body"], y)] for y in g["year"])
            assert f"{t2.year}年" in g["q"] and f"{t1.year}年" in g["q"]
        if g["cat"] == "audit":
            report = next(r for r in reports if (r.truth.body, r.truth.year) == (g["body"], g["year"]))
            if report.truth.planted and report.fmt in ("txt_tabs", "txt_pdflike", "pdf"):
                assert g["keywords"][0] in " ".join(f.message for f in parse(report.path).checks)
    fees = [g for g in gold if g["cat"] == "lookup" and "fee" in g["note"]]
    for g in fees:
        assert g["unit"] == "万元"


def test_cli_writes_the_corpus_and_gold_jsonl(tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    run = subprocess.run(
        [sys.executable, "-m", "eval.synth", str(out), "--bodies", "3", "--years", "2023", "2024",
         "--seed", "1"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    files = sorted(p for p in out.iterdir() if p.suffix in (".txt", ".html", ".docx", ".pdf"))
    assert len(files) == 6
    gold = [json.loads(line) for line in (out / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    assert gold and all({"id", "q", "type", "cat"} <= set(g) for g in gold)
    truth = [json.loads(line) for line in (out / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(t["file"] for t in truth) == [p.name for p in files]
    assert "6 reports" in run.stdout and f"{len(gold)} questions" in run.stdout
    bad = subprocess.run([sys.executable, "-m", "eval.synth", str(out), "--bodies", "999"], cwd=REPO,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "error" in bad.stderr
