"""Pure rendering helpers for the Gradio UI (app.py): answer objects, sources, report lists and
ingest results → escaped HTML, tables and chart data. No Gradio here, so it is unit-testable.

Every piece of text that comes from a report, a question or an answer goes through
:func:`html.escape` before it is put into HTML; the only tags in the output are the ones written
here (div, span, mark, details, summary, br, b, ul, li, table, thead, tbody, tr, th, td, a — links only to
this app's own /report/ pages)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import pandas as pd

VALUE_COLUMNS = ["机关", "年份", "指标", "栏目", "数值", "单位"]
CHART_X, CHART_Y = "对象", "数值"
REPORT_COLUMNS = ["机关", "年份", "核对", "单元格", "文本块", "文件"]

CSS = """
.nb-answer { line-height: 1.7; }
.nb-sources { margin-top: .6em; font-size: .92em; }
.nb-sources summary { cursor: pointer; font-weight: 600; }
.nb-src { margin: .45em 0; padding: .4em .6em; border-left: 3px solid #f59e0b; background: rgba(245,158,11,.07); }
.nb-src-head { font-size: .9em; opacity: .85; }
.nb-src-text { margin-top: .2em; white-space: normal; }
.nb-src mark, .nb-answer mark { background: #fde047; color: #111; padding: 0 .15em; border-radius: 2px; }
.nb-error { color: #b91c1c; font-weight: 600; }
.nb-ok { color: #15803d; }
.nb-bad { color: #b91c1c; }
.nb-log { font-family: inherit; line-height: 1.6; }
.nb-muted { opacity: .7; font-size: .9em; }
.nb-note { margin-top: .2em; }
.nb-llm-notice { margin-top: .3em; font-size: .88em; color: #92400e; }
.nb-src-link { margin-left: .4em; white-space: nowrap; }
.nb-row-wrap { overflow-x: auto; margin-top: .3em; }
table.nb-row { border-collapse: collapse; font-size: .88em; width: auto; margin: 0; }
table.nb-row th, table.nb-row td { border: 1px solid rgba(128,128,128,.35); padding: .15em .45em; text-align: center;
  white-space: nowrap; }
table.nb-row th { font-weight: 600; background: rgba(128,128,128,.08); }
table.nb-row th.nb-row-label, table.nb-row td.nb-row-label { text-align: left; white-space: normal; min-width: 8em; }
table.nb-row td.nb-cited { background: #fde047; color: #111; font-weight: 700; }
table.nb-row-tall { display: none; }
table.nb-row-tall th { text-align: left; }
table.nb-reports { width: 100%; border-collapse: collapse; font-size: .92em; table-layout: auto; border: none;
  margin: 0; }
table.nb-reports tr { border: none; }
table.nb-reports th, table.nb-reports td { border: none; border-bottom: 1px solid rgba(128,128,128,.25);
  padding: .3em .35em; text-align: left; vertical-align: top; }
table.nb-reports td.nb-file { word-break: break-all; overflow-wrap: anywhere; min-width: 6em; }
table.nb-reports td.nb-num, table.nb-reports th.nb-num { text-align: right; white-space: nowrap; }
table.nb-reports tr.nb-report-notes td { border-top: none; padding-top: 0; font-size: .88em; }
.nb-reports-wrap { max-height: 340px; overflow-y: auto; }
.nb-skip { opacity: .8; }
@media (max-width: 640px) {
  table.nb-row-wide { display: none; }
  table.nb-row-tall { display: table; }
  .nb-reports-wrap { max-height: none; }
  table.nb-reports thead { display: none; }
  table.nb-reports, table.nb-reports tbody, table.nb-reports tr, table.nb-reports td { display: block; width: auto; }
  table.nb-reports tr.nb-report { border-top: 1px solid rgba(128,128,128,.35); padding-top: .3em; }
  table.nb-reports td { border: none; padding: .05em .2em; text-align: left !important; display: inline-block;
    margin-right: .9em; }
  table.nb-reports td.nb-file, table.nb-reports tr.nb-report-notes td { display: block; }
  table.nb-reports td[data-label]::before { content: attr(data-label) "："; opacity: .7; }
}
"""


def esc(value: Any) -> str:
    """HTML-escape anything (quotes too); None → ''."""
    return "" if value is None else html.escape(str(value), quote=True)


def _oneline(fragment: str) -> str:
    """Newlines → <br> so that a fragment stays one HTML block (Markdown leaves it alone)."""
    return fragment.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


# ---------------------------------------------------------------- figures and highlighting


def number_forms(value: Any) -> list[str]:
    """How a figure may be printed: 209 → ['209']; 12000 → ['12000', '12,000']; 12.0 → ['12']."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        forms = [str(value)]
        if abs(value) >= 1000:
            forms.append(f"{value:,}")
        return forms
    if isinstance(value, float):
        return [f"{value:g}", str(value)]
    text = str(value).strip()
    return [text] if text else []


def _needle_pattern(needle: str) -> str:
    """A regex for a printed figure: spaces between its characters are optional ("169116件" matches
    "169116 件"), and a number never matches inside a longer number ("209" not in "2090")."""
    chars = [c for c in needle if not c.isspace()]
    if not chars:
        return ""
    body = r"\s*".join(re.escape(c) for c in chars)
    if chars[0].isdigit():
        body = r"(?<![\d.,])" + body
    if chars[-1].isdigit():
        body += r"(?![\d]|[.,]\d)"
    return body


def highlight_html(text: str, needles: Iterable[str]) -> str:
    """Escape `text` and wrap every occurrence of any needle in <mark>. Matching happens on the raw
    text, escaping on each piece, so a needle can never create or break markup."""
    text = "" if text is None else str(text)
    patterns = [p for p in (_needle_pattern(str(n)) for n in needles if n not in (None, "")) if p]
    if not patterns:
        return esc(text)
    # longest first, so "1,234" wins over "234"
    patterns.sort(key=len, reverse=True)
    rx = re.compile("|".join(f"(?:{p})" for p in patterns))
    out: list[str] = []
    pos = 0
    for m in rx.finditer(text):
        if m.end() == m.start():
            continue
        out.append(esc(text[pos:m.start()]))
        out.append(f"<mark>{esc(m.group(0))}</mark>")
        pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def source_needles(source: dict[str, Any], values: Sequence[dict[str, Any]]) -> list[str]:
    """The figure(s) to highlight in one source: its `highlight` when the backend gave one and it is
    found in the text, else the answer's values of the same report (body and year), else all values."""
    text = str(source.get("text") or "")
    hl = source.get("highlight")
    if hl not in (None, ""):
        pattern = _needle_pattern(str(hl))
        if pattern and re.search(pattern, text):
            return [str(hl)]
    same = [v for v in values if v.get("body") == source.get("body") and v.get("year") == source.get("year")]
    needles: list[str] = []
    for v in same or list(values):
        for form in number_forms(v.get("value")):
            if form not in needles:
                needles.append(form)
    if hl not in (None, ""):
        needles.insert(0, str(hl))
    return needles


def _valid_spans(text: str, spans: Any) -> list[tuple[int, int]]:
    """The backend's exact cell positions, when they are well-formed and point at a figure."""
    out: list[tuple[int, int]] = []
    for span in spans or []:
        try:
            start, end = int(span[0]), int(span[1])
        except (TypeError, ValueError, IndexError):
            return []
        if not (0 <= start < end <= len(text)) or not any(ch.isdigit() for ch in text[start:end]):
            return []
        out.append((start, end))
    return sorted(set(out))


def mark_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Escape `text` and wrap exactly the given character spans in <mark>."""
    out: list[str] = []
    pos = 0
    for start, end in spans:
        if start < pos:
            continue
        out.append(esc(text[pos:start]))
        out.append(f"<mark>{esc(text[start:end])}</mark>")
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


REPORT_PATH = "/report"  # the app's own page for a report's text (app.py serves it)


def source_href(source: dict[str, Any]) -> str:
    """The link from a source to its report at the cited place: the report's id, the source's location
    (「第47行」, 「PDF第3、4页表格」) and the head of the cited text; the page resolves them."""
    from assistant.originals import report_id, snippet_of

    query = []
    if source.get("location"):
        query.append(f"loc={quote(str(source['location']))}")
    snippet = snippet_of(str(source.get("text") or ""))
    if snippet:
        query.append(f"q={quote(snippet)}")
    return f"{REPORT_PATH}/{report_id(str(source.get('report') or ''))}" + ("?" + "&".join(query) if query else "")


_CELL_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")


def _cited_columns(source: dict[str, Any], columns: Sequence[str], labels: Mapping[str, str]) -> set[str]:
    """The row's columns the source cites: each exact span is the k-th of the row's last n figures (the
    row prints its figures in column order), else the column the source names."""
    text = str(source.get("text") or "")
    spans = _valid_spans(text, source.get("highlight_spans"))
    numbers = list(_CELL_NUMBER.finditer(text))
    cited: set[str] = set()
    if spans and len(numbers) >= len(columns):
        tail = numbers[len(numbers) - len(columns):]
        starts = {m.start(): k for k, m in enumerate(tail)}
        cited = {columns[starts[start]] for start, _ in spans if start in starts}
    if not cited:
        cited = {cid for cid in columns if labels[cid] == source.get("column")}
    return cited


def row_table(source: dict[str, Any], cells: Mapping[str, Any] | None = None, version: str | None = None) -> str:
    """A table-row source as a small table: the template's column names over the row's figures, the
    cited cell(s) marked. `cells` are the stored figures by column id; without them the figures are read
    from the printed row. '' when the row is not in the template catalog."""
    from index.catalog import column, row

    try:
        spec = row(str(source["table"]), str(source["row"]), version)
        labels = {cid: column(spec.table, cid, version).label for cid in spec.columns}
    except (KeyError, TypeError):
        return ""
    columns = list(spec.columns)
    printed = [m.group(0) for m in _CELL_NUMBER.finditer(str(source.get("text") or ""))]
    printed = printed[len(printed) - len(columns):] if len(printed) >= len(columns) else []
    figures = [str(cells[cid]) if cells and cid in cells else (printed[k] if printed else "—")
               for k, cid in enumerate(columns)]
    cited = _cited_columns(source, columns, labels)
    head = "".join(f"<th>{esc(labels[cid])}</th>" for cid in columns)
    body = "".join(f'<td class="nb-cited"><mark>{esc(f)}</mark></td>' if cid in cited else f"<td>{esc(f)}</td>"
                   for cid, f in zip(columns, figures, strict=True))
    unit = spec.unit if len(set(spec.unit_of(c) for c in columns)) == 1 else ""
    label = f'{esc(spec.label)}{"（" + esc(unit) + "）" if unit else ""}'
    wide = (f'<table class="nb-row nb-row-wide"><thead><tr><th class="nb-row-label"></th>{head}</tr></thead>'
            f'<tbody><tr><th class="nb-row-label">{label}</th>{body}</tr></tbody></table>')
    # on a phone the same row stands on end: one line per column, so the cited cell is never off-screen
    tall_rows = "".join(
        f'<tr><th>{esc(labels[cid])}</th>'
        + (f'<td class="nb-cited"><mark>{esc(f)}</mark></td>' if cid in cited else f"<td>{esc(f)}</td>") + "</tr>"
        for cid, f in zip(columns, figures, strict=True))
    tall = (f'<table class="nb-row nb-row-tall"><thead><tr><th colspan="2" class="nb-row-label">{label}</th></tr>'
            f"</thead><tbody>{tall_rows}</tbody></table>")
    # the row as the report prints it (a fused row with how it was split), the cited figure marked
    text = str(source.get("text") or "")
    spans = _valid_spans(text, source.get("highlight_spans"))
    printed_row = mark_spans(text, spans) if spans else esc(text)
    return (f'<div class="nb-row-wrap">{wide}{tall}</div>'
            f'<div class="nb-src-text nb-muted nb-row-printed">原文：{_oneline(printed_row)}</div>')


def render_sources(sources: Sequence[dict[str, Any]], values: Sequence[dict[str, Any]] = ()) -> str:
    """Every source: its report, section and location, a link to the original at that place, then a
    table row as a small table (the row's stored figures under the template's column names, given as
    the source's `row_cells`, in the report's `template` version) or the cited text with the figure marked."""
    if not sources:
        return ""
    items = []
    for i, s in enumerate(sources, 1):
        head = [f"<b>{i}. 《{esc(s.get('report') or '未知报告')}》</b>"]
        for key in ("section", "location"):
            if s.get(key):
                head.append(esc(s[key]))
        link = ""
        if s.get("report"):
            name = f"文件 {esc(s['file'])}" if s.get("file") else "原文"
            link = (f'<a class="nb-src-link" href="{esc(source_href(s))}" target="_blank" rel="noopener">'
                    f"{name} ↗</a>")
        table = row_table(s, s.get("row_cells"), s.get("template")) if s.get("table") and s.get("row") else ""
        if table:
            body = table
        else:
            raw = str(s.get("text") or "")
            spans = _valid_spans(raw, s.get("highlight_spans"))
            text = mark_spans(raw, spans) if spans else highlight_html(raw, source_needles(s, values))
            body = f'<div class="nb-src-text">{_oneline(text)}</div>'
        items.append(f'<div class="nb-src"><div class="nb-src-head">{" · ".join(head)}{link}</div>{body}</div>')
    return (f'<details class="nb-sources" open><summary>来源（{len(sources)}）</summary>'
            + "".join(items) + "</details>")


def render_answer(answer: dict[str, Any]) -> str:
    """One chat message (HTML, one line) for an answer object of DESIGN.md: the answer with its main
    figures highlighted, how a follow-up was read (its `note`), then every source with the figure marked."""
    values = list(answer.get("values") or [])
    text = str(answer.get("answer") or "")
    needles = [f for v in values for f in number_forms(v.get("value"))]
    main = highlight_html(text, needles) if answer.get("answerable") else esc(text)
    if not answer.get("answerable"):
        main = f'{main}<br><span class="nb-muted">（已导入的年报中没有找到可以回答这个问题的内容。）</span>'
    note = f'<div class="nb-note nb-muted">（{_oneline(esc(answer["note"]))}）</div>' if answer.get("note") else ""
    # the LLM writer fell back to the extractive answer: the user is told why (DESIGN.md: `llm_notice`)
    notice = (f'<div class="nb-llm-notice" role="status">ⓘ {_oneline(esc(answer["llm_notice"]))}</div>'
              if answer.get("llm_notice") else "")
    return (f'<div class="nb-answer">{_oneline(main)}</div>' + note + notice
            + render_sources(answer.get("sources") or [], values))


def render_user(question: str) -> str:
    return f"<div>{_oneline(esc(question))}</div>"


def render_error(message: str) -> str:
    return f'<div class="nb-error">⚠ {_oneline(esc(message))}</div>'


def error_message(action: str, exc: BaseException) -> str:
    """A short Chinese message for an unexpected exception (no traceback)."""
    detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    kind = type(exc).__name__
    return f"{action}时出错（{kind}{'：' + detail if detail else ''}）。请稍后重试；若问题持续，请联系管理员查看服务日志。"


# ---------------------------------------------------------------- multi-year / multi-body answers


def is_multi(values: Sequence[dict[str, Any]]) -> bool:
    """Two or more figures that belong to different years or different bodies."""
    return len(values) >= 2 and len({(v.get("body"), v.get("year")) for v in values}) >= 2


def values_frame(values: Sequence[dict[str, Any]]) -> pd.DataFrame:
    rows = [[str(v.get("body") or ""), str(v.get("year") or ""), str(v.get("metric") or ""),
             str(v.get("column") or ""), v.get("value"), str(v.get("unit") or "")] for v in values]
    return pd.DataFrame(rows, columns=VALUE_COLUMNS)


def _numeric(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        return None


def chart_frame(values: Sequence[dict[str, Any]]) -> tuple[pd.DataFrame, str]:
    """Chart data for a multi-year/multi-body answer: the metric with the most distinct (body, year)
    points (a derived difference is left out), one bar per point, labelled by what varies (year,
    body, or both). Returns (frame with columns CHART_X/CHART_Y, title naming what is fixed)."""
    groups: dict[str, dict[tuple[Any, Any], dict[str, Any]]] = {}
    for v in values:
        if _numeric(v.get("value")) is None:
            continue
        groups.setdefault(str(v.get("metric") or ""), {}).setdefault((v.get("body"), v.get("year")), v)
    if not groups:
        return pd.DataFrame(columns=[CHART_X, CHART_Y]), ""
    metric, points = max(groups.items(), key=lambda kv: len(kv[1]))
    pts = sorted(points.values(), key=lambda v: (v.get("year") or 0, str(v.get("body") or "")))
    bodies = list(dict.fromkeys(str(v.get("body") or "") for v in pts))
    years = list(dict.fromkeys(v.get("year") for v in pts))
    rows = []
    for v in pts:
        body, year = str(v.get("body") or ""), f"{v.get('year')}年"
        if len(bodies) > 1 and len(years) > 1:
            x = f"{body}{year}"
        elif len(bodies) > 1:
            x = body
        else:
            x = year
        rows.append([x, _numeric(v.get("value"))])
    unit = next((str(v.get("unit")) for v in pts if v.get("unit")), "")
    fixed = bodies[0] if len(bodies) == 1 else (f"{years[0]}年" if len(years) == 1 else "")
    title = (f"{fixed} · " if fixed else "") + metric + (f"（{unit}）" if unit else "")
    return pd.DataFrame(rows, columns=[CHART_X, CHART_Y]), title


def chart_y_limits(frame: pd.DataFrame) -> list[float]:
    """The value axis always includes zero (a bar of 21 beside 95 must not look like nothing), with a
    little room above the highest bar; negative figures (a change) get room below."""
    numbers = [float(v) for v in frame[CHART_Y]] if len(frame) else [0.0]
    low, high = min(0.0, *numbers), max(0.0, *numbers)
    if high == low:
        high = low + 1.0
    pad = (high - low) * 0.12
    return [low - pad if low < 0 else 0.0, high + pad if high > 0 else 0.0]


# ---------------------------------------------------------------- example questions


def example_questions(reports: Sequence[dict[str, Any]], n: int = 4) -> list[str]:
    """Example questions about what is ingested: the newest report's figure, a comparison across the
    years of a body that has several, the audit of a report with failed checks (else the newest), and
    a narrative question — each naming a body and year that are held."""
    held = [r for r in reports if r.get("body") and r.get("year")]
    if not held:
        return []
    newest = sorted(held, key=lambda r: (float(r.get("ingested_at") or 0), int(r["year"])), reverse=True)
    first = newest[0]
    years_of: dict[str, list[int]] = {}
    for r in held:
        years_of.setdefault(str(r["body"]), []).append(int(r["year"]))
    out = [f"{first['body']}{first['year']}年收到多少政府信息公开申请？"]
    multi = next((r for r in newest if len(set(years_of[str(r["body"])])) >= 2), None)
    if multi is not None:
        y1, y2 = sorted(set(years_of[str(multi["body"])]))[-2:]
        out.append(f"{multi['body']}{y1}年和{y2}年各收到多少政府信息公开申请？")
    other = next((r for r in newest if r["body"] != first["body"]), None)
    if other is not None:
        out.append(f"{other['body']}{other['year']}年行政复议有多少件？")
    audited = next((r for r in newest if int(r.get("checks_failed") or 0) > 0), first)
    out.append(f"{audited['body']}{audited['year']}年的表格数据对得上吗？")
    out.append(f"{first['body']}{first['year']}年存在哪些问题，下一步打算怎么改进？")
    if len(out) < n:
        out.append(f"{first['body']}{first['year']}年主动公开了多少规范性文件？")
    return list(dict.fromkeys(out))[:n]


# ---------------------------------------------------------------- side panel


def audit_status(report: dict[str, Any]) -> str:
    n = int(report.get("checks_failed") or 0)
    return "✓" if n == 0 else f"✗ {n}"


def reports_frame(reports: Sequence[dict[str, Any]]) -> pd.DataFrame:
    rows = [[str(r.get("body") or ""), str(r.get("year") or ""), audit_status(r), r.get("cells", 0),
             r.get("chunks", 0), str(r.get("file") or "")] for r in reports]
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


def _unresolved_line(u: Any) -> str:
    if isinstance(u, dict):
        from index.catalog import TABLE_TITLES, row

        try:
            label = row(str(u.get("table")), str(u.get("row"))).label
        except KeyError:
            label = str(u.get("raw") or u.get("row") or "")
        table = TABLE_TITLES.get(str(u.get("table")), "")
        where = f"{table.split('、')[0]}、" if table else ""
        return f"{where}{label}：{u.get('reason', '')}".strip("：")
    return str(u)


def render_reports(reports: Sequence[dict[str, Any]]) -> str:
    """The ingested reports as a table that wraps instead of cutting off (its file names break anywhere)
    and turns into one card per report on a phone; under each report, the rows the parser could not
    place and its parsing notes, so nobody has to open the audit to see them."""
    if not reports:
        return '<div class="nb-muted" id="nb-reports-empty">还没有导入任何年报。</div>'
    head = ("<thead><tr><th>机关</th><th>年份</th><th>核对</th><th class=\"nb-num\">单元格</th>"
            "<th class=\"nb-num\">文本块</th><th>文件</th></tr></thead>")
    rows = []
    for r in reports:
        status = audit_status(r)
        cls = "nb-ok" if status == "✓" else "nb-bad"
        file_cell = esc(r.get("file"))
        if r.get("report"):
            file_cell = (f'<a href="{esc(REPORT_PATH)}/{_rid(r)}" target="_blank" rel="noopener">'
                         f"{esc(r.get('file') or '原文')}</a>")
        rows.append(f'<tr class="nb-report"><td data-label="机关">{esc(r.get("body"))}</td>'
                    f'<td data-label="年份">{esc(r.get("year"))}</td>'
                    f'<td data-label="核对" class="{cls}">{esc(status)}</td>'
                    f'<td data-label="单元格" class="nb-num">{esc(r.get("cells", 0))}</td>'
                    f'<td data-label="文本块" class="nb-num">{esc(r.get("chunks", 0))}</td>'
                    f'<td data-label="文件" class="nb-file">{file_cell}</td></tr>')
        notes = [f"未能确定的行：{esc(_unresolved_line(u))}" for u in r.get("unresolved") or []]
        notes += [f"解析提示：{esc(w)}" for w in r.get("warnings") or []]
        if notes:
            rows.append(f'<tr class="nb-report-notes"><td colspan="6" class="nb-muted">{"<br>".join(notes)}</td></tr>')
    return (f'<div class="nb-reports-wrap"><table class="nb-reports">{head}<tbody>{"".join(rows)}</tbody>'
            "</table></div>")


def _rid(report: dict[str, Any]) -> str:
    from assistant.originals import report_id

    return report_id(str(report.get("report") or ""))


def render_audit(report_name: str | None, reports: Sequence[dict[str, Any]],
                 failures: Sequence[dict[str, Any]]) -> str:
    """The failed checks (and parsing notes) of one report, as escaped HTML."""
    if not report_name:
        return '<div class="nb-muted">在上方选择一份报告，查看它的表格核对（勾稽关系）结果。</div>'
    report = next((r for r in reports if r.get("report") == report_name), None)
    if report is None:
        return render_error(f"没有找到报告「{report_name}」，它可能已被替换。请刷新列表。")
    mine = [f for f in failures if f.get("report") == report_name]
    parts = [f"<div><b>《{esc(report_name)}》</b> <span class=\"nb-muted\">文件 {esc(report.get('file'))}</span></div>"]
    if mine:
        parts.append(f'<div class="nb-bad">✗ {len(mine)} 项核对不通过：</div><ul>')
        for f in mine:
            detail = f"（表{esc(f.get('table'))}，应为 {esc(f.get('expected'))}，实为 {esc(f.get('actual'))}）"
            parts.append(f"<li>{esc(f.get('message'))} <span class=\"nb-muted\">{detail}</span></li>")
        parts.append("</ul>")
    else:
        parts.append('<div class="nb-ok">✓ 表格核对全部通过</div>')
    unresolved = report.get("unresolved") or []
    if unresolved:
        parts.append(f'<div class="nb-muted">未能确定的表格行（{len(unresolved)}）：</div><ul>')
        for u in unresolved:
            raw = f"（原文：{u.get('raw')}）" if isinstance(u, dict) and u.get("raw") else ""
            parts.append(f"<li>{esc(_unresolved_line(u))}<span class=\"nb-muted\">{esc(raw)}</span></li>")
        parts.append("</ul>")
    warnings = report.get("warnings") or []
    if warnings:
        parts.append("<div class=\"nb-muted\">解析提示：</div><ul>"
                     + "".join(f"<li>{esc(w)}</li>" for w in warnings) + "</ul>")
    return "".join(parts)


def render_ingest_log(lines: Sequence[tuple[bool | None, str]], summary: str = "") -> str:
    """Per-file result lines of an upload: (ok, line) pairs, each escaped; ok None is a skipped file."""
    out = []
    if summary:
        out.append(f"<div><b>{esc(summary)}</b></div>")
    for ok, line in lines:
        cls = "nb-skip nb-muted" if ok is None else ("nb-ok" if ok else "nb-bad")
        out.append(f'<div class="{cls}">{_oneline(esc(line))}</div>')
    return f'<div class="nb-log" id="nb-ingest-log">{"".join(out)}</div>'


def ingest_summary(lines: Sequence[tuple[bool | None, str]]) -> str:
    good = sum(1 for ok, _ in lines if ok)
    bad = sum(1 for ok, _ in lines if ok is False)
    skipped = sum(1 for ok, _ in lines if ok is None)
    return (f"导入完成：成功 {good} 个" + (f"，失败 {bad} 个" if bad else "")
            + (f"，跳过 {skipped} 个（不支持的文件类型）" if skipped else "") + "。")


def upload_refusal(name: str, size: int | None, limit_bytes: int) -> str:
    """An upload over ingest's per-file limit, in ingest's words (index/load.py), naming the file and the
    limit: 「✗ 年报.pdf: 文件过大：31.5 MB，超过上限 30 MB（设置项 ASSISTANT_MAX_FILE_MB），未上传。」 The size is
    None when the server refused the upload while it streamed in (it never saw the whole file)."""
    from index.limits import megabytes, over_limit, setting_name

    if size is None:
        why = f"文件过大：超过上限 {megabytes(limit_bytes)}（设置项 {setting_name('max_file_mb')}）"
    else:
        why = over_limit("文件过大：", megabytes(size), megabytes(limit_bytes), "max_file_mb")
    return f"✗ {name}: {why}，未上传。"


def upload_guard_js(limit_bytes: int) -> str:
    """The page's check of each chosen or dropped file against the limit, before a byte is sent: files over
    it are taken out of the selection and named in #nb-upload-refused with upload_refusal's words; the rest
    go on. (Gradio's own check refuses the whole selection with an English sentence; the server still
    refuses anything over the limit while it streams in.)"""
    from index.limits import setting_name

    return (_UPLOAD_GUARD_JS.replace("__LIMIT__", str(int(limit_bytes)))
            .replace("__SETTING__", setting_name("max_file_mb")))


_UPLOAD_GUARD_JS = r"""() => {
  const LIMIT = __LIMIT__, SETTING = "__SETTING__";
  const mb = (n) => (n / 1048576).toFixed(1).replace(/\.0$/, "") + " MB";
  const say = (tooBig) => {
    const box = document.querySelector("#nb-upload-refused");
    if (!box) return;
    box.replaceChildren(...tooBig.map((f) => {
      const line = document.createElement("div");
      line.className = "nb-bad";
      line.setAttribute("role", "alert");
      line.textContent = `✗ ${f.name}: 文件过大：${mb(f.size)}，超过上限 ${mb(LIMIT)}（设置项 ${SETTING}），未上传。`;
      return line;
    }));
  };
  const inUpload = (el) => el instanceof Element && el.closest("#nb-upload");
  const keep = (input, files) => {
    const dt = new DataTransfer();
    files.forEach((f) => dt.items.add(f));
    input.files = dt.files;
  };
  document.addEventListener("change", (e) => {
    const input = e.target;
    if (!inUpload(input) || input.type !== "file" || !input.files) return;
    const all = Array.from(input.files), tooBig = all.filter((f) => f.size > LIMIT);
    if (input.dataset.nbDropped) { delete input.dataset.nbDropped; return; }
    say(tooBig);
    if (!tooBig.length) return;
    const ok = all.filter((f) => f.size <= LIMIT);
    if (ok.length) { keep(input, ok); return; }
    e.stopImmediatePropagation();
    input.value = "";
  }, true);
  document.addEventListener("drop", (e) => {
    if (!inUpload(e.target) || !e.dataTransfer || !e.dataTransfer.files.length) return;
    const all = Array.from(e.dataTransfer.files), tooBig = all.filter((f) => f.size > LIMIT);
    say(tooBig);
    if (!tooBig.length) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    const ok = all.filter((f) => f.size <= LIMIT);
    const input = document.querySelector("#nb-upload input[type=file]");
    if (!ok.length || !input) return;
    keep(input, ok);
    input.dataset.nbDropped = "1";
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }, true);
}"""


def render_ask_note(message: str) -> str:
    return f'<div class="nb-bad" id="nb-ask-msg" role="alert">⚠ {esc(message)}</div>'


def render_feedback_note(message: str, ok: bool = True) -> str:
    cls = "nb-ok" if ok else "nb-bad"
    return f'<div class="{cls}" id="nb-feedback-msg">{esc(message)}</div>'


# ---------------------------------------------------------------- a report's own page

_PAGE_CSS = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0; color: #111;
  background: #fff; }
header { position: sticky; top: 0; background: #fffbeb; border-bottom: 1px solid #f59e0b; padding: .6em 1em; }
header h1 { font-size: 1.1em; margin: 0 0 .2em; }
header .meta { font-size: .9em; color: #444; }
main { padding: .5em 0 40vh; font-size: 15px; line-height: 1.65; }
.ln { display: flex; padding: 0 1em; scroll-margin-top: 7em; }
.ln .no { flex: 0 0 3.2em; color: #999; text-align: right; padding-right: .8em; user-select: none; }
.ln .no a { color: inherit; text-decoration: none; }
.ln .tx { white-space: pre-wrap; word-break: break-word; overflow-wrap: anywhere; flex: 1; }
.ln .tb { display: inline-block; width: 1.6em; overflow: hidden; vertical-align: bottom; }
.ln:target { background: #fde047; }
.ln:target .no { color: #111; font-weight: 700; }
.ln.page .tx { color: #888; font-size: .85em; }
@media (max-width: 640px) { header { position: static; } main { font-size: 14px; }
  .ln { padding: 0 .4em; scroll-margin-top: 1em; } .ln .no { flex-basis: 2.6em; } }
"""


def _tabs(line: str) -> str:
    """A tab as a gap of its own (tab stops fuse 「197」 and 「7」 when 197 ends just before one); copied,
    it is still a tab."""
    return line.replace("\t", '<span class="tb">\t</span>')


def render_report_page(record: dict[str, Any], has_original: bool) -> str:
    """A report's text as it was read, one numbered line per line (line N has id LN, so #L47 scrolls to
    and highlights it — the line numbers cell sources cite), with a link to the kept original. Every
    piece of report text is escaped; the page has no script."""
    from assistant.originals import page_ends

    text = str(record.get("text") or "")
    marks = set()
    if record.get("fmt") == "pdf":
        for end in page_ends(text):
            marks.add(text.count("\n", 0, end) + 1)
    lines = []
    for n, line in enumerate(text.split("\n"), 1):
        cls = "ln page" if n in marks else "ln"
        lines.append(f'<div class="{cls}" id="L{n}"><span class="no"><a href="#L{n}">{n}</a></span>'
                     f'<span class="tx">{_tabs(esc(line)) or "&#8203;"}</span></div>')
    original = ('<a href="original">打开原文件</a>' if record.get("fmt") == "pdf" else '<a href="original">下载原文件</a>') \
        if has_original else "（原文件未保存：重新导入即可保存）"
    meta = f"文件 {esc(record.get('file'))} · 以下是导入时读出的文字，行号与回答中的「第N行」一致 · {original}"
    return ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{esc(record.get('report'))} · 原文</title><style>{_PAGE_CSS}</style></head><body>"
            f"<header><h1>《{esc(record.get('report'))}》</h1><div class=\"meta\">{meta}</div></header>"
            f"<main>{''.join(lines)}</main></body></html>")


# ---------------------------------------------------------------- Gradio's own labels

# Gradio's built-in texts (its translation keys) in Chinese, given to gr.I18n for zh-CN, zh and en
# (app.py): its zh-CN dictionary lacks these, so Chinese browsers saw 「Copy message」「Runs」, and an
# English browser would see every built-in label in English beside this app's Chinese.
GRADIO_ZH: dict[str, str] = {
    "blocks.connection_can_break": "在手机上，如果切换到其他页面或设备休眠，连接可能中断，排队位置会丢失。",
    "blocks.long_requests_queue": "当前排队的请求较多，请稍候。",
    "blocks.lost_connection": "离开页面后连接已断开，正在重新排队……",
    "blocks.waiting_for_inputs": "正在等待文件上传完成，请稍后重试。",
    "chatbot.edit": "编辑", "chatbot.retry": "重试", "chatbot.undo": "撤销", "chatbot.submit": "发送",
    "chatbot.cancel": "取消", "chatbot.like": "有用", "chatbot.dislike": "有误", "chatbot.clear": "清空对话",
    "chatbot.complete": "完成", "chatbot.copy_message": "复制这条消息", "chatbot.copied_message": "已复制",
    "chat_interface.new_chat": "新对话", "chat_interface.message_placeholder": "输入问题……",
    "chat_interface.additional_inputs": "更多输入", "chat_interface.chatbot": "问答",
    "chat_interface.conversation": "对话",
    "checkbox.checkbox": "复选框", "checkbox.checkbox_group": "复选框组",
    "common.built_with": "构建于", "common.built_with_gradio": "使用 Gradio 构建", "common.clear": "清除",
    "common.download": "下载", "common.download_all": "全部下载", "common.edit": "编辑", "common.empty": "空",
    "common.error": "错误", "common.hosted_on": "托管于", "common.loading": "加载中", "common.logo": "标志",
    "common.or": "或", "common.remove": "移除", "common.runs": "运行记录",
    "common.runs_description": "查看保存在此浏览器中的运行记录", "common.back_to_app": "返回",
    "common.back_to_app_description": "返回应用", "common.settings": "设置", "common.share": "分享",
    "common.submit": "提交", "common.undo": "撤销", "common.no_devices": "未找到设备", "common.language": "语言",
    "common.display_theme": "显示主题", "common.pwa": "渐进式 Web 应用", "common.progress": "进度",
    "common.record": "录制", "common.stop_recording": "停止录制", "common.screen_studio": "屏幕录制",
    "common.share_gradio_tab": "[分享] Gradio 标签页", "common.run": "运行",
    "dataframe.incorrect_format": "格式不正确，只支持 CSV 和 TSV 文件", "dataframe.new_column": "添加列",
    "dataframe.new_row": "新行", "dataframe.add_row_above": "在上方添加行", "dataframe.add_row_below": "在下方添加行",
    "dataframe.delete_row": "删除行", "dataframe.delete_column": "删除列", "dataframe.add_column_left": "在左侧添加列",
    "dataframe.add_column_right": "在右侧添加列", "dataframe.sort_column": "排序", "dataframe.sort_ascending": "升序",
    "dataframe.sort_descending": "降序", "dataframe.drop_to_upload": "把 CSV 或 TSV 文件拖到这里导入表格",
    "dataframe.import_empty_file": "拖入的文件是空的。", "dataframe.import_no_column_names": "拖入的文件没有列名。",
    "dataframe.import_ragged_row": "文件第 {line} 行有 {fields} 个字段，表头有 {columns} 个。",
    "dataframe.import_static_columns": "表格的列是只读的，不能导入。",
    "dataframe.import_fixed_columns": "这个表格只能有 {expected} 列，文件有 {actual} 列。",
    "dataframe.import_fixed_rows": "这个表格只能有 {expected} 行，文件有 {actual} 行。",
    "dataframe.clear_sort": "清除排序", "dataframe.filter": "筛选", "dataframe.clear_filter": "清除筛选",
    "dropdown.dropdown": "下拉菜单",
    "errors.build_error": "构建出错", "errors.config_error": "配置出错",
    "errors.contact_page_author": "请联系页面作者。", "errors.no_app_file": "没有应用文件",
    "errors.runtime_error": "运行出错", "errors.space_not_working": "应用无法运行，原因：{0}",
    "errors.space_paused": "应用已暂停", "errors.use_via_api": "通过 API 使用",
    "errors.use_via_api_or_mcp": "通过 API 或 MCP 使用",
    "file.uploading": "正在上传……",
    "highlighted_text.highlighted_text": "高亮文本", "label.label": "标签",
    "login.enable_cookies": "在无痕模式下访问时，需要允许第三方 Cookie。", "login.incorrect_credentials": "用户名或密码不正确",
    "login.username": "用户名", "login.password": "密码", "login.login": "登录",
    "number.number": "数字", "plot.plot": "图表", "radio.radio": "单选框", "slider.slider": "滑块",
    "status.queue_position": "排队中：第 {position} 位，共 {size} 位",
    "upload_text.click_to_upload": "点击上传", "upload_text.drop_audio": "把音频拖到这里",
    "upload_text.drop_csv": "把 CSV 文件拖到这里", "upload_text.drop_file": "把文件拖到这里",
    "upload_text.drop_image": "把图片拖到这里", "upload_text.drop_video": "把视频拖到这里",
    "upload_text.drop_gallery": "把媒体文件拖到这里", "upload_text.paste_clipboard": "从剪贴板粘贴",
}
