"""The damage model (eval/damage.py) and its benchmark (eval/bench_damage.py): every class renders
deterministically and really carries its damage; over the quick damaged corpus and the shared reports
re-rendered in every class the product never reads a wrong figure (a cell is read exactly or left
unresolved); the benchmark's --quick run prints its per-class table.

Read rates per class are printed by the benchmark, not asserted here: the readers are being rewritten."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, REPORTS  # $NIANBAO_SHARED or ../shared

from eval import bench_damage, damage, synth

TITLE_END = "政府信息公开工作年度报告"


@pytest.fixture(scope="module")
def truth() -> synth.ReportTruth:
    # a body with a look-alike character, zeros in its tables and a long B label (every class applies)
    t = synth.generate_truth("沭阳县", 2024, seed=1)
    assert "0" in t.cells.values()
    return t


@pytest.fixture(scope="module")
def shared_sources() -> list[damage.Source]:
    if not REPORTS.is_dir():
        pytest.skip(f"the shared reports are missing ({REPORTS}); set NIANBAO_SHARED to the shared folder")
    return damage.sources_from_shared(REPORTS)


def _sources(truth: synth.ReportTruth, shared: list[damage.Source] | None = None) -> list[damage.Source]:
    return [damage.source_from_truth(truth), *(shared or [])]


def _table_section(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i:text.index(end, i)]


# ---------------------------------------------------------------- what each class must show


def _check_markdown(text: str, doc: damage.Doc) -> None:
    lines = text.splitlines()
    assert lines[0].startswith("# ") and TITLE_END in lines[0]
    assert "## 一、总体情况" in lines and "## 三、收到和处理政府信息公开申请情况" in lines
    assert any(re.fullmatch(r"\|( --- \|)+", ln) for ln in lines)
    assert sum(ln.startswith("| ") for ln in lines) > 40
    assert any(re.fullmatch(r"<!-- page \d+ -->|---", ln) for ln in lines)
    assert doc.file_name.endswith(".md")


def _check_markdown_html(text: str, doc: damage.Doc) -> None:
    lines = text.splitlines()
    assert lines[0].startswith("# ") and doc.file_name.endswith(".md")
    tables = [ln for ln in lines if ln.startswith("<table>")]
    assert len(tables) >= 3 and all(ln.endswith("</table>") for ln in tables)  # one line each, MinerU
    assert any('rowspan="3" colspan="3"' in t for t in tables)
    assert not any(ln.startswith("| ") for ln in lines)


def _check_portal(text: str, doc: damage.Doc) -> None:
    for word in ("当前位置", "首页", "发布时间", "来源", "字号", "打印", "分享到"):
        assert word in text, word
    # every report table nested inside a layout table's cell, the article inside the page's layout table
    assert len(re.findall(r'<td align="center"><table border="1"', text)) == 3
    assert text.count('class="layout"') >= 4
    assert "&nbsp;" in text and "<br>" in text
    inner = re.findall(r'<table border="1".*?</table>', text)
    cells = [c for t in inner for c in re.findall(r"<td[^>]*>(.*?)</td>", t)]
    assert "0" not in cells  # a value 0 is a blank cell
    zeros = sum(1 for v in doc.source.cells.values() if v == "0")
    blanks = sum(1 for c in cells if c in ("", "&nbsp;", " "))
    assert zeros > 0 and blanks == zeros
    assert doc.file_name.endswith(".html")


def _check_pipes_txt(text: str, doc: damage.Doc) -> None:
    lines = text.splitlines()
    assert doc.file_name.endswith(".txt") and not lines[0].startswith("#")
    assert any(re.fullmatch(r"\|( --- \|)+", ln) for ln in lines)
    assert sum(ln.startswith("| ") for ln in lines) > 40 and "\t" not in text


def _check_wrapped(text: str, doc: damage.Doc) -> None:
    lines = text.splitlines()
    first, second = doc.title_lines or ["", ""]
    k = lines.index(first)
    assert lines[k + 1] == second and k >= 1 and "正" in "".join(lines[:k])  # after front matter (正文)
    assert f"{doc.source.year} 年" in first + second  # spaced year
    assert TITLE_END not in first and not (first + second).startswith(doc.source.title)
    squeezed = re.sub(r"\s", "", first + second)
    assert squeezed.endswith("年度报告") and doc.source.body in squeezed or doc.source.printed_name in squeezed


def _check_late(text: str, doc: damage.Doc) -> None:
    title = doc.source.title
    assert title not in re.sub(r"\s", "", text)
    name = Path(doc.file_name).name
    assert str(doc.source.year) in name and doc.source.body not in doc.file_name
    first = text.lstrip().splitlines()[0]
    assert first.startswith("本报告由") and doc.source.body in first and "编制" in text.split("\n\n")[0]


def _check_department(text: str, doc: damage.Doc) -> None:
    body = doc.source.body
    assert any(body.endswith(full) for full, _ in damage.DEPARTMENTS)
    assert text.splitlines()[0] == doc.source.title and body in text.splitlines()[0]
    (short,) = doc.source.spoken
    assert body.startswith(short[:2])
    assert short == body and body.endswith("公安局") or short not in text  # 公安局 has no shorter form


def _check_lookalike(text: str, doc: damage.Doc) -> None:
    title = text.splitlines()[0]
    true_body = doc.source.body
    assert true_body not in title and doc.name_in_title in title
    assert sum(a != b for a, b in zip(doc.name_in_title, doc.source.printed_name, strict=True)) == 1
    assert true_body in text  # the prose still names the body correctly: only the title slipped


def _check_label_figure(text: str, doc: damage.Doc) -> None:
    b = _table_section(text, "三、收到和处理", "四、政府信息公开行政复议")
    lines = b.splitlines()
    labels_then = [i for i in range(len(lines) - 5)
                   if all(re.search(r"[\u4e00-\u9fff]", ln) and not re.search(r"\d\s*$", ln) for ln in lines[i:i + 3])
                   and re.fullmatch(r"\t(\d+\t){6}\d+", lines[i + 3])]
    assert labels_then, b
    a = _table_section(text, "二、主动公开", "三、收到和处理").splitlines()

    def figures(ln: str) -> bool:
        return bool(re.fullmatch(r"\t[\d.\t]+", ln))

    def label(ln: str) -> bool:
        return bool(re.fullmatch(r"[\u4e00-\u9fff]+", ln))

    later = any(a[i] == "" and figures(a[i + 1]) for i in range(len(a) - 1))  # figures two lines later
    run = any(label(a[i]) and label(a[i + 1]) and figures(a[i + 2]) and figures(a[i + 3]) for i in range(len(a) - 3))
    assert later or run, a


def _check_stacked(text: str, doc: damage.Doc) -> None:
    runs = re.findall(r"(?:^\d+(?:\.\d+)?\n){7,}", text, re.M)
    assert len(runs) >= 2 and any(len(r.split()) == 15 for r in runs)  # B rows and table C's figure line


def _check_generic(text: str, doc: damage.Doc) -> None:
    assert "| 申请人情况 | 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 总计 |" in text
    assert "| 信息内容 | 数据1 |" in text
    c = _table_section(text, "四、政府信息公开行政复议", "五、")
    assert "数据15" in c or "申请人情况" not in c and "自然人" in c
    assert "结果维持" not in c


def _check_detached(text: str, doc: damage.Doc) -> None:
    lines = text.splitlines()
    k = next(i for i, ln in enumerate(lines) if re.fullmatch(r"（含自然失效\d+件）", ln))
    assert re.fullmatch(r"(行政规范性文件|规章)\t\d+\t\d+", lines[k - 1]) and re.fullmatch(r"\d+", lines[k + 1])


def _check_fused_c(text: str, doc: damage.Doc) -> None:
    assert "行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉" in text


def _check_self_named(text: str, doc: damage.Doc) -> None:
    assert text.splitlines()[0] == f"{doc.source.year}年政府信息公开工作年度报告"
    assert doc.source.body not in text and doc.source.body in doc.file_name
    assert re.search(r"本报告由本(?:局|机关|单位)办公室", text.split("\n\n")[1])


def _check_reordered_b(text: str, doc: damage.Doc) -> None:
    b = _table_section(text, "三、收到和处理", "四、政府信息公开行政复议")
    header = re.search(r"<td[^>]*>申请人情况</td></tr><tr>(.*?)</tr>", b)
    assert header, b[:600]
    names = re.findall(r">([^<>]+)</td>", header.group(1))
    assert names in (["总计", "自然人", "法人或其他组织"], ["法人或其他组织", "自然人", "总计"]), names
    new = next(r for r in damage.rows_of("B") if r.id == "new")
    printed = re.search(r"本年新收[^<]*</td>((?:<td[^>]*>[^<]*</td>){7})", b)
    assert printed, b[:900]
    values = re.findall(r"<td[^>]*>([^<]*)</td>", printed.group(1))
    gold = [doc.source.cells[("B", "new", c)] for c in new.columns]
    assert sorted(values) == sorted(gold) and (values != gold or len(set(gold)) == 1)


def _check_leader(text: str, doc: damage.Doc) -> None:
    lines = text.splitlines()
    leaders = [ln for ln in lines if re.fullmatch(r"\u3000*\S+?(?:…+|\.{3,}|·{3,})[\d.]+", ln)]
    assert len(leaders) >= 10 + 7 * 20 + 15, len(leaders)
    assert any(ln.startswith("行政许可·本年处理决定数量") for ln in leaders)
    assert any(ln.startswith("\u3000\u3000法人或其他组织·商业企业") for ln in leaders)
    assert any(ln.startswith("行政诉讼（复议后起诉）·总计") for ln in leaders)
    assert "\t" not in _table_section(text, "三、收到和处理", "四、政府信息公开行政复议")


def _check_dash_zeros(text: str, doc: damage.Doc) -> None:
    b = _table_section(text, "三、收到和处理", "四、政府信息公开行政复议")
    assert "\t" not in b and "申请人情况 自然人" in b
    marks = re.findall(r"(?<= )[—/－](?= |$)", b, re.M)
    zeros = sum(1 for k, v in doc.source.cells.items() if k[0] == "B" and v == "0")
    assert zeros and len(marks) == zeros
    assert not re.search(r"(?<= )0(?= |$)", b, re.M)


def _check_xlsx(text: str, doc: damage.Doc) -> None:
    assert doc.file_name.endswith(".xlsx") and text.startswith("<worksheet")
    assert re.search(r'<c r="A1" t="inlineStr"><is><t>[^<]*政府信息公开工作年度报告</t>', text)
    assert '<mergeCell ref="A1:J1"/>' in text and text.count("<mergeCell ") > 10
    assert "<v>0</v>" not in text  # zeros are blank cells
    assert re.search(r"<v>\d+</v>", text) and "二、主动公开政府信息情况" in text


def _check_csv_attachments(text: str, doc: damage.Doc) -> None:
    assert doc.file_name.endswith(".html") and "&#x" in text
    assert not re.search(r"[\u4e00-\u9fff]", text)  # every CJK character an entity
    pres = re.findall(r"<pre>(.*?)</pre>", text, re.S)
    assert len(pres) == 3 and all(p.count("\n") >= 3 and "," in p for p in pres)
    assert "<table" not in text
    big = [v for v in doc.source.cells.values() if v.isdigit() and len(v) > 3]
    assert not big or any(f'"{int(big[0]):,}"' in p for p in pres)


def _check_trial(text: str, doc: damage.Doc) -> None:
    a = _table_section(text, "二、主动公开", "三、收到和处理")
    assert "本年新\n制作数量" in a and "其他对外管理服务事项" in a and "政府集中采购" in a and "本年制发件数" not in a
    assert "本年新制作数量" not in re.sub(r"<table>.*?</table>", "", text, flags=re.S)  # told only by the table
    assert ("A", "procurement", "purchase_amount") in doc.source.cells
    assert ("B", "other_subtotal", "total") in doc.source.cells
    assert not any(k[0] == "B" and k[1].startswith("other_") and k[1] != "other_subtotal" for k in doc.source.cells)


def _check_ocr(text: str, doc: damage.Doc) -> None:
    b = _table_section(text, "三、收到和处理", "四、政府信息公开行政复议")
    assert re.search(r"[０-９]", b) and not re.search(r"\u3000[0-9.]+\u3000", b)  # full-width figures
    assert re.search(r"l\s*[.、]", b)  # 1. read as l.
    assert re.search(r"^［第\d页］$", b, re.M)
    _check_fused_c(text, doc)


def _check_wrapped_label_row(text: str, doc: damage.Doc) -> None:
    lines = text.splitlines()
    pairs = [i for i in range(len(lines) - 1)
             if re.fullmatch(r"\|[^|]*[\u4e00-\u9fff][^|]*\|[^0-9]*", lines[i]) and lines[i].count("|") >= 9
             and re.match(r"\|(?:\s*\|)*\s*[^|\d\s]{1,4}\s*\|", lines[i + 1])
             and len(re.findall(r"\|\s*\d+\s*(?=\|)", lines[i + 1])) == 7]
    assert pairs, "\n".join(ln for ln in lines if ln.startswith("|"))[:3000]


def _check_zero_rows_omitted(text: str, doc: damage.Doc) -> None:
    b = _table_section(text, "三、收到和处理", "四、政府信息公开行政复议")
    assert "（注：数据均为0的项目未列出）" in b
    assert not re.search(r"(?:\t0){7}$", b, re.M)  # no all-zero row
    zero_rows = {k[1] for k in doc.source.cells if k[0] == "B"} - {
        k[1] for k, v in doc.source.cells.items() if k[0] == "B" and v != "0"}
    assert zero_rows  # the shared and synthetic reports all have some
    c = _table_section(text, "四、政府信息公开行政复议", "五、")
    assert re.search(r"^行政诉讼（复议后起诉）(?:\t\d+){5}$", c, re.M)


CHECKS = {
    "markdown": _check_markdown, "markdown_html_tables": _check_markdown_html, "portal_html": _check_portal,
    "text_with_pipe_tables": _check_pipes_txt, "wrapped_title": _check_wrapped, "late_title": _check_late,
    "department": _check_department, "lookalike_name": _check_lookalike,
    "label_figure_separation": _check_label_figure, "stacked_rows": _check_stacked,
    "generic_headers": _check_generic, "detached_multiline_cell": _check_detached, "fused_c_header": _check_fused_c,
    "self_named": _check_self_named, "reordered_b_columns": _check_reordered_b,
    "leader_lines": _check_leader, "dash_zeros": _check_dash_zeros,
    "xlsx_one_sheet": _check_xlsx, "csv_attachments": _check_csv_attachments,
    "trial_template": _check_trial, "ocr_text": _check_ocr,
    "wrapped_label_row": _check_wrapped_label_row, "zero_rows_omitted": _check_zero_rows_omitted,
}


def test_every_class_has_a_check() -> None:
    assert set(CHECKS) == set(damage.CLASSES)
    assert len(damage.CLASSES) >= 13


@pytest.mark.parametrize("name", sorted(damage.CLASSES))
def test_class_renders_deterministically_with_its_damage(name: str, truth: synth.ReportTruth) -> None:
    src = damage.source_from_truth(truth)
    text, doc = damage.render_text(src, name, seed=3)
    again, _ = damage.render_text(src, name, seed=3)
    assert text == again
    other, _ = damage.render_text(damage.source_from_truth(synth.generate_truth("沭阳县", 2023, seed=1)), name, 3)
    assert other != text
    clean, _ = damage.render_text(src, "none", seed=3)
    assert text != clean
    CHECKS[name](text, doc)


@pytest.mark.parametrize("name", sorted(damage.CLASSES))
def test_shared_reports_rerender_with_the_damage(name: str, shared_sources: list[damage.Source]) -> None:
    applied = 0
    for src in shared_sources:
        if not damage.can_apply(src, name):
            continue
        text, doc = damage.render_text(src, name, seed=1)
        assert text == damage.render_text(src, name, seed=1)[0]
        if name == "portal_html" and "0" not in doc.source.cells.values():
            continue
        CHECKS[name](text, doc)
        applied += 1
    assert applied >= 4, name


def test_classes_compose_and_bad_specs_are_refused(truth: synth.ReportTruth) -> None:
    src = damage.source_from_truth(truth)
    text, doc = damage.render_text(src, "markdown+generic_headers+wrapped_title", seed=2)
    _check_generic(text, doc)
    assert doc.file_name.endswith(".md") and doc.title_lines
    assert any(ln.startswith("## ") for ln in text.splitlines())
    with pytest.raises(ValueError, match="more than one output form"):
        damage.parse_spec("markdown+portal_html")
    with pytest.raises(ValueError, match="unknown damage class"):
        damage.parse_spec("markdown+scanned")


def test_the_clean_rendering_is_read_exactly(truth: synth.ReportTruth, tmp_path: Path) -> None:
    """The baseline of the benchmark: undamaged, every gold cell comes back (checks the gold itself)."""
    from index.load import load_file
    from index.parse import parse_loaded

    rendered = damage.render(damage.source_from_truth(truth), "none", tmp_path, seed=1)
    parsed = parse_loaded(load_file(rendered.path))
    got = {(c.table, c.row, c.column): c.value for c in parsed.tables.cells}
    assert (parsed.identity.body, parsed.identity.year) == ("沭阳县", 2024)
    assert {k: got.get(k) for k in truth.cells} == truth.cells


def test_generator_option_writes_damaged_corpus_with_spoken_short_forms(tmp_path: Path) -> None:
    reports = synth.write_corpus(tmp_path, 2, [2023, 2024], seed=5, damage="department+markdown")
    assert len(reports) == 4 and all(r.path.suffix == ".md" and r.path.exists() for r in reports)
    assert all(r.spoken and r.spoken[0] != r.truth.body for r in reports)
    gold = synth.gold_questions(reports, seed=5)
    spoken = {s for r in reports for s in r.spoken}
    about = [g for g in gold if g["body"] in {r.truth.body for r in reports}]
    assert about and all(any(s in g["q"] for s in spoken) for g in about)
    assert not any(r.truth.body in g["q"] for r in reports for g in about)
    looks = synth.write_corpus(tmp_path / "l", 3, [2024], seed=5, damage="lookalike_name")
    for r in looks:
        title = r.path.read_text(encoding="utf-8").splitlines()[0]
        assert r.truth.body not in title


# ---------------------------------------------------------------- no wrong figure, ever


@pytest.fixture(scope="module")
def quick_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[bench_damage.ClassCorpus], bench_damage.ClassCorpus]:
    work = tmp_path_factory.mktemp("damage")
    shared = REPORTS if REPORTS.is_dir() else None
    return bench_damage.build(work, list(damage.DAMAGE_CLASSES), bench_damage.QUICK_REPORTS, 1, shared)


def test_no_damaged_report_is_read_with_a_wrong_figure(quick_corpus) -> None:  # type: ignore[no-untyped-def]
    corpora, base = quick_corpus
    assert sum(len(c.items) for c in corpora) >= bench_damage.QUICK_REPORTS
    wrong: list[str] = []
    graded = 0
    for corpus in [base, *corpora]:
        for origin, count in bench_damage.count_corpus(corpus).items():
            wrong += [f"{corpus.spec}/{origin}: {w}" for w in count.wrong_cells]
            assert count.wrong == len(count.wrong_cells)
            assert count.exact + count.unresolved + count.wrong == count.cells
            graded += count.cells
            print(f"{corpus.spec:26} {origin:6} reports {count.reports:3} failed {count.failed:3} "
                  f"ident errors {count.ident_errors:3} cells {count.cells:5} exact {count.exact:5} "
                  f"unresolved {count.unresolved:5} wrong {count.wrong}")
    assert graded > 10_000
    assert not wrong, "\n".join(wrong[:40])


def test_shared_reports_rerendered_in_every_class_are_never_misread(quick_corpus) -> None:  # type: ignore[no-untyped-def]
    if not REPORTS.is_dir():
        pytest.skip(f"the shared reports are missing ({REPORTS}); set NIANBAO_SHARED to the shared folder")
    corpora, base = quick_corpus
    for corpus in [base, *corpora]:
        shared = [i for i in corpus.items if i.origin == "shared"]
        assert len(shared) >= 5, corpus.spec  # lookalike_name needs a body with a look-alike character
        count = bench_damage.count_corpus(corpus)["shared"]
        assert count.wrong == 0, count.wrong_cells[:20]
    base_count = bench_damage.count_corpus(base)["shared"]
    assert base_count.exact == base_count.cells > 1000 and base_count.ident_errors == 0


# ---------------------------------------------------------------- the benchmark as a user runs it


def test_quick_benchmark_prints_the_per_class_table(tmp_path: Path) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    env.pop("NIANBAO_BENCH_T0", None)
    proc = subprocess.run([sys.executable, "-m", "eval.bench_damage", "--quick", "--work", str(tmp_path)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    print(out)
    assert "== 合成报告" in out
    number = r"\s+(\d+)"
    for name in ("基线（未损坏）", *damage.DAMAGE_CLASSES):
        m = re.search(rf"^{re.escape(name)}{number * 7}\s+([\d.]+%|—)\s+(\d+)/(\d+) ([\d.]+)%$", out, re.M)
        assert m, (name, out)
        reports, failed, ident, cells, exact, unresolved, wrong = map(int, m.groups()[:7])
        assert reports >= 2 and cells == exact + unresolved + wrong and wrong == 0  # 39 quick reports over 23 classes
        assert failed <= reports and ident <= reports
        assert int(m.group(10)) > 0  # questions answered through the product
    if REPORTS.is_dir():
        assert "== 共享报告重排" in out
    assert re.search(r"回答 \d+/\d+ 道金标准题", out)
    assert "[" in proc.stderr  # progress on stderr
