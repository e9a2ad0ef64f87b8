"""Pure rendering helpers for the Gradio UI (app.py): answer objects, sources, report lists and
ingest results → escaped HTML, tables and chart data. No Gradio here, so it is unit-testable.

Every piece of text that comes from a report, a question or an answer goes through
:func:`html.escape` before it is put into HTML; the only tags in the output are the ones written
here (div, span, mark, details, summary, br, b, ul, li)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

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


def render_sources(sources: Sequence[dict[str, Any]], values: Sequence[dict[str, Any]] = ()) -> str:
    if not sources:
        return ""
    items = []
    for i, s in enumerate(sources, 1):
        head = [f"<b>{i}. 《{esc(s.get('report') or '未知报告')}》</b>"]
        for key in ("section", "location"):
            if s.get(key):
                head.append(esc(s[key]))
        if s.get("file"):
            head.append(f"文件 {esc(s['file'])}")
        raw = str(s.get("text") or "")
        spans = _valid_spans(raw, s.get("highlight_spans"))
        text = mark_spans(raw, spans) if spans else highlight_html(raw, source_needles(s, values))
        items.append(f'<div class="nb-src"><div class="nb-src-head">{" · ".join(head)}</div>'
                     f'<div class="nb-src-text">{_oneline(text)}</div></div>')
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
    return (f'<div class="nb-answer">{_oneline(main)}</div>' + note
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


# ---------------------------------------------------------------- side panel


def audit_status(report: dict[str, Any]) -> str:
    n = int(report.get("checks_failed") or 0)
    return "✓" if n == 0 else f"✗ {n}"


def reports_frame(reports: Sequence[dict[str, Any]]) -> pd.DataFrame:
    rows = [[str(r.get("body") or ""), str(r.get("year") or ""), audit_status(r), r.get("cells", 0),
             r.get("chunks", 0), str(r.get("file") or "")] for r in reports]
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


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
            if isinstance(u, dict):
                line = f"{u.get('raw', '')}：{u.get('reason', '')}"
            else:
                line = str(u)
            parts.append(f"<li>{esc(line)}</li>")
        parts.append("</ul>")
    warnings = report.get("warnings") or []
    if warnings:
        parts.append("<div class=\"nb-muted\">解析提示：</div><ul>"
                     + "".join(f"<li>{esc(w)}</li>" for w in warnings) + "</ul>")
    return "".join(parts)


def render_ingest_log(lines: Sequence[tuple[bool, str]], summary: str = "") -> str:
    """Per-file result lines of an upload: (ok, line) pairs, each escaped."""
    out = []
    if summary:
        out.append(f"<div><b>{esc(summary)}</b></div>")
    for ok, line in lines:
        cls = "nb-ok" if ok else "nb-bad"
        out.append(f'<div class="{cls}">{esc(line)}</div>')
    return f'<div class="nb-log" id="nb-ingest-log">{"".join(out)}</div>'
