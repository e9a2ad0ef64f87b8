"""Stage 3 — parse tables A, B and C onto the template catalog.

One parser serves every source form: tab-separated text, space-separated PDF text with wrapped
labels and page numbers, native grids (PDF/HTML/DOCX rows joined by tabs) and HTML-crawl text whose
cells are fused into digit runs. It anchors on the printed label prefixes of the catalog, in template
order, and reads the figures between one label and the next. A fused run is split only when the
template's arithmetic admits exactly one split; otherwise the row is kept as unresolved.

Pure: no heavy imports."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache

from index.catalog import B_COLUMNS, Row, column, rows_of

_PAGE_NUMBER = re.compile(r"^[ \t]*[-－—]\s*\d{1,3}\s*[-－—][ \t\r]*$|^[ \t]*第\s*\d+\s*页.*$"
                          # a running header or footer: the report's title, then 第3页 共5页 (WPS, Word exports);
                          # an OCR tool's bracketed page mark 「［第3页］」
                          r"|^[^\d\n]*(?:\d{4}\s*年[^\d\n]*)?第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?\s*[］\]】)）]?[ \t\r]*$"
                          # the report's title alone on a line: a page's running header inside a table
                          r"|^[^\d\n]*\d{4}\s*年度?政府信息公开(?:工作)?年度?报告[ \t\r]*$", re.M)
# a section's number on a line of its own (WeChat articles: 「04」 over 政府信息公开行政复议…): no figure, as
# no figure is printed with a leading zero
_SECTION_ORDINAL = re.compile(r"^[ \t]*0\d[ \t\r]*$", re.M)
# a footnote mark against a figure (「9116.36[1]」, 「9116.36①」, 「9116.36¹」): no figure of its own
_FOOTNOTE_MARK = re.compile(r"(?<=\d)(?:\[\d{1,2}\]|[①②③④⑤⑥⑦⑧⑨⑩]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)")
# A value slot of a table grid that was printed empty: the template counts it as 0 (a blank cell in a
# known column means none), and the cell says so in its provenance.
BLANK = "∅"
# A value slot printed as 「—」「/」「无」: there is none — 0, and said so; unlike an empty cell (BLANK), it
# is printed, so a row holding one is read as printed (an empty slot may be a grid's padding: checked)
NONE = "⊘"
# a minus sign printed against a figure is kept (「-5」 is not 5: the audit flags a negative count)
_NUMBER = re.compile(r"(?<![\d.])[-−－]\d+(?:\.\d+)?|\d+(?:\.\d+)?|" + BLANK + "|" + NONE)
# 「（含自然失效3件）」: a bracketed remark with words and a figure is a note inside a cell, never a cell
_ANNOTATION = re.compile(r"[（(](?=[^（）()\n]*\d)(?=[^（）()\n]*[\u4e00-\u9fff])[^（）()\n]{1,40}[）)]")
MAX_SPLIT_CANDIDATES = 200_000
_SIGNED = re.compile(r"(?<![\d.])[-−－+＋]?\d+(?:\.\d+)?|" + BLANK + "|" + NONE)
_SIGNS = str.maketrans({"−": "-", "－": "-", "＋": "+"})
BLANK_NOTE = "（空白单元格按0计）"
NONE_NOTE = "（「—」「/」等无数字标记按0计）"
REORDERED_NOTE = "（表头栏目顺序与模板不同，按表头对应到各栏）"
ALIGNED_NOTE = "（标签与数字分开排印，按模板行序对应）"
ALIGNED_BY_COLUMN_NOTE = "（标签与数字分开排印、数字按列排列，按模板行序和栏目对应，行合计相符）"


@dataclass(frozen=True)
class Cell:
    table: str
    row: str
    column: str
    value: str  # exactly as printed ("4957.0386"); Decimal(value) for arithmetic
    unit: str
    source: str  # where it was read: "第12行" / "第3页" / "表格"
    row_text: str  # the printed row, for citations
    resolved_by: str = "printed"  # or "arithmetic" when a fused run was split

    @property
    def number(self) -> Decimal:
        return Decimal(self.value)


@dataclass(frozen=True)
class Unresolved:
    table: str
    row: str
    raw: str
    reason: str


@dataclass
class TableParse:
    cells: list[Cell] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # "B.other_no_fee" rows not found

    def extend(self, other: TableParse) -> None:
        self.cells += other.cells
        self.unresolved += other.unresolved
        self.missing += other.missing


def strip_page_numbers(text: str) -> str:
    return _PAGE_NUMBER.sub("", text)


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")  # 3,985,758 and ９，４８７


# OCR reads 0 as O/o and 1 as l/I: a token made only of digits and these letters stands where a figure
# stands (「l97 7 l 3 l 0 209」, 「O O O」, 「4957.O386」); a letter beside Chinese (「l.属于」) is left alone
_OCR_DIGITS = str.maketrans("OoIl", "0011")
_OCR_FIGURE = re.compile(r"(?<![\w.])(?=[0-9.]*[OoIl])[0-9OoIl]+(?:\.[0-9OoIl]+)?(?![\w.])", re.ASCII)


_SPLIT_DECIMAL = re.compile(r"(\d)\.[ \t]+(\d)")


# 「行政规范性文件·现行有效件数……698」「　　自然人……71」: one cell per line, its name and figure joined
# by a dotted leader (a portal's text copy of a table)
_LEADER = re.compile(r"^[ \t\u3000]*(?P<label>\S[^\n]*?)[ \t]*(?:…+|\.{3,}|·{3,}|．{3,}|-{3,}|—{2,}|_{3,})"
                     r"[ \t]*(?P<value>[-−－]?\d[\d,，]*(?:\.\d+)?|—|/|／)?[ \t]*$")


@cache
def _column_ranks(version: str) -> dict[str, dict[str, int]]:
    """Each table's column labels with their place in the template's order."""
    from index.catalog import template

    cols = template(version).columns
    return {t: {c.label: k for k, c in enumerate(cols[t])} for t in "ABC" if t in cols}


def _is_column(part: str, version: str) -> bool:
    name = re.sub(r"\s+", "", part)
    return any(name in ranks for ranks in _column_ranks(version).values())


def leader_rows(text: str, version: str = "2021") -> str:
    """Cells printed one per line as 「<row>·<column>……<figure>」 (or a row's label on a line of its own,
    then 「<column>……<figure>」 lines) made rows again: the row's label, then its figures in the template's
    column order — the order is read from the column names, never from the lines' order. A row whose
    lines do not name each of a template row's columns exactly once keeps no figure (unread, not guessed)."""
    lines = text.split("\n")
    if sum(1 for ln in lines if _LEADER.match(ln)) < 3:
        return text
    full_rows = {frozenset(r.columns) for t in "ABC" for r in rows_of(t, version)}
    out: list[str] = []
    group: list[tuple[str, str, str]] = []  # (row label, column name, figure)
    label = ""

    def flush() -> None:
        if not group:
            return
        names = [g[1] for g in group]
        figures: list[str] = []
        for table, ranks in _column_ranks(version).items():  # the table whose columns these all are
            if all(n in ranks for n in names) and len(set(names)) == len(names):
                ids = [c.id for c in _col_list(table, version)]
                if frozenset(ids[ranks[n]] for n in names) in full_rows:
                    ordered = sorted(group, key=lambda g: ranks[g[1]])
                    figures = [NONE if g[2] in ("—", "/", "／") else g[2] for g in ordered]
                break
        out.append("\t".join([group[0][0], *figures]))
        group.clear()

    for ln in lines:
        m = _LEADER.match(ln)
        parts = m.group("label").rsplit("·", 1) if m else []
        if m is None or m.group("value") is None or not _is_column(parts[-1], version):
            flush()
            if m is None and ln.strip():
                label = ln.strip()
            out.append(ln)
            continue
        name = re.sub(r"\s+", "", parts[-1])
        if any(g[1] == name for g in group):  # a column again: the next row's cells begin
            flush()
        head = re.sub(r"\s+", "", parts[0]) if len(parts) == 2 else ""
        row_label = "" if head in ("", "法人或其他组织", "申请人情况") or _is_column(head, version) else head
        if not row_label:  # the row's label stood on the line before the first of its cells
            if not group and out and out[-1].strip() == label:
                out.pop()
            row_label = group[0][0] if group else label
            label = ""  # used once: cells after a repeated column without a new label line name no row
        if group and group[0][0] != row_label:
            flush()
        group.append((row_label, name, m.group("value")))
    flush()
    return "\n".join(out)


def _col_list(table: str, version: str):  # type: ignore[no-untyped-def]
    from index.catalog import template

    return template(version).columns.get(table, ())


def _table_text(text: str, version: str = "2021") -> str:
    """Table text as the parser reads it: cells on dotted-leader lines made rows, full-width digits made
    ASCII, thousands separators (3,985,758) closed up, page numbers and in-cell remarks removed."""
    from index.markup import TABLE_MARK_RE

    text = leader_rows(text.translate(_FULLWIDTH_DIGITS), version)
    text = _THOUSANDS.sub("", TABLE_MARK_RE.sub("", text).translate(_FULLWIDTH_DIGITS))
    text = _SECTION_ORDINAL.sub("", _FOOTNOTE_MARK.sub("", text))
    text = _OCR_FIGURE.sub(lambda m: m.group(0).translate(_OCR_DIGITS), text)
    text = _SPLIT_DECIMAL.sub(r"\1.\2", text)  # 「7730. 28」: an OCR'd decimal point followed by a space
    return _marks_as_blanks(_ANNOTATION.sub("", strip_page_numbers(text)))


_FIGURE_TOKEN = re.compile(r"\d+(?:\.\d+)?|" + BLANK + "|" + NONE)
_MARK_TOKENS = ("—", "－", "-", "--", "——", "/", "／")


def _marks_as_blanks(text: str) -> str:
    """「一、本年新收… 197 7 1 3 1 — 209」「— — — — — — —」: a 「—」 or 「/」 standing among a line's trailing
    figures prints that there is none — 0 (said in the cell's provenance)."""
    out = []
    for ln in text.split("\n"):
        parts = re.split(r"([ \t\u3000]+)", ln)
        k = len(parts)
        while k and (not parts[k - 1].strip() or _FIGURE_TOKEN.fullmatch(parts[k - 1])
                     or parts[k - 1] in _MARK_TOKENS):
            k -= 1
        tail = [p for p in parts[k:] if p.strip()]
        if any(t in _MARK_TOKENS for t in tail) and (len(tail) >= 2 or "".join(parts[:k]).strip()):
            ln = "".join(parts[:k]) + "".join(NONE if p in _MARK_TOKENS else p for p in parts[k:])
        out.append(ln)
    return "\n".join(out)


def value_of(token: str) -> str:
    """A printed token's value: a blank slot is 0; a full-width or typographic minus is "-"."""
    return "0" if token in (BLANK, NONE) else token.translate(_SIGNS)


def _dec(token: str) -> Decimal:
    return Decimal(value_of(token))


def _loose(word: str) -> str:
    """A label as printed, spaces allowed between its characters and each Chinese character read past an
    OCR look-alike (公幵 for 公开, 申靖 for 申请: index/data/bodies.toml's look-alike groups)."""
    return r"\s*".join(_char(ch) for ch in word)


def _char(ch: str) -> str:
    from index.bodies import naming

    others = naming().lookalikes.get(ch, "") if "\u4e00" <= ch <= "\u9fff" else ""
    others = "".join(o for o in others if "\u4e00" <= o <= "\u9fff")
    return f"[{re.escape(ch)}{re.escape(others)}]" if others else re.escape(ch)


def _numbered_anchor(row: Row) -> str | None:
    """The row by its printed template number and any short label after it, for tables that abbreviate
    the labels but keep the numbers (三(三)1.国家秘密, 一、新收, 20(6)处罚): the number decides, the short
    label only has to name the row within its block (20(1) holds 规章 and 规范性文件)."""
    from index.catalog import A_BLOCKS, BLOCK_DIGITS, numbering

    label = r"[^\d\s|｜,，\t]{0,16}"
    if row.table == "A":
        block = next((b for b, ids in A_BLOCKS.items() if row.id in ids), None)
        if block is None or block not in BLOCK_DIGITS:
            return None
        keyword = row.label.removeprefix("行政")
        return rf"20\s*[（(]\s*{BLOCK_DIGITS[block]}\s*[)）]\s*[^\d\s|｜]{{0,3}}{_loose(keyword[:2])}{label}"
    if row.table != "B":
        return None
    number = next((n for n, target in numbering().items()
                   if target == row.id or (row.group and target == f"group:{row.group}")), None)
    if number is None:
        return None
    m = re.fullmatch(r"([一二三四])(?:\(([一二三四五六七])\))?", number)
    if m is None:
        return None
    if m.group(2):
        head = rf"{m.group(1)}\s*[（(]\s*{m.group(2)}\s*[)）]"
        if row.item is not None:
            head += rf"\s*{row.item}\s*[.．、]"
        elif row.group:
            return None  # a group's printed-only row (（六）其他处理) is named, not numbered
        return head + label
    return rf"(?<![\u4e00-\u9fff]){m.group(1)}\s*[、.．]" + label


@cache
def _row_pattern(row: Row) -> re.Pattern[str]:
    anchors = "|".join(_loose(a) for a in row.anchors)
    numbered = _numbered_anchor(row)
    if numbered:
        anchors = f"{numbered}|{anchors}"
    if row.item is not None:
        prefix = rf"{row.item}\s*[.．、,，]\s*"
        if row.id == "other_other":  # "3.其他": the bare word 其他 is everywhere
            return re.compile(prefix + f"(?:{anchors})")
        return re.compile(f"(?:{prefix})?(?:{anchors})")
    if row.id == "total":
        return re.compile(r"(?:[（(]\s*七\s*[）)]\s*)?" + f"(?:{anchors})")
    return re.compile(f"(?:{anchors})")


# ---------------------------------------------------------------- splitting fused digit runs


def _splits_of_run(run: str, parts: int) -> Iterable[tuple[str, ...]]:
    """All ways to cut a digit run into `parts` numbers without leading zeros."""
    if parts == 1:
        if len(run) == 1 or not run.startswith("0"):
            yield (run,)
        return
    for i in range(1, len(run) - parts + 2):
        head = run[:i]
        if len(head) > 1 and head.startswith("0"):
            break
        for tail in _splits_of_run(run[i:], parts - 1):
            yield (head, *tail)


def split_candidates(tokens: Sequence[str], count: int) -> list[tuple[str, ...]]:
    """Every way to read `tokens` (whitespace-separated runs) as `count` numbers. Decimal tokens
    are never cut."""
    if len(tokens) == count:
        return [tuple(tokens)]
    if len(tokens) > count or not tokens:
        return []
    out: list[tuple[str, ...]] = []

    def rec(i: int, remaining: int, acc: tuple[str, ...]) -> None:
        if len(out) > MAX_SPLIT_CANDIDATES:
            return
        if i == len(tokens):
            if remaining == 0:
                out.append(acc)
            return
        tok = tokens[i]
        later = len(tokens) - i - 1
        max_parts = 1 if "." in tok or not tok[0].isdigit() else min(len(tok), remaining - later)
        for k in range(1, max_parts + 1):
            for piece in _splits_of_run(tok, k):
                rec(i + 1, remaining - k, acc + piece)

    rec(0, count, ())
    return out


def _row_rules_hold(table: str, row_id: str, values: Sequence[str], version: str = "2021") -> bool:
    """The template's per-row rules (总计 = the other columns) on one row's candidate figures."""
    from index.rules import holds_for_rows

    return holds_for_rows(table, {row_id: [_dec(v) for v in values]}, for_each="row", version=version)


# ---------------------------------------------------------------- row finding


@dataclass
class _Segment:
    row: Row
    start: int
    end: int  # end of the label match
    raw: str = ""
    tokens: list[str] = field(default_factory=list)
    aligned: bool = False  # figures given back from a stacked run (see _align_stacked)
    failed: str = ""  # why the row's figures cannot be told apart


def _find_rows(text: str, rows: list[Row], lookahead: int = 3) -> list[_Segment]:
    """Anchor each catalog row in order. A row whose anchor would be found only after a later row's
    anchor is missing from this report (e.g. （六） printed without its items)."""
    patterns = {r.id: _row_pattern(r) for r in rows}
    found: list[_Segment] = []
    pos = 0
    for i, r in enumerate(rows):
        m = patterns[r.id].search(text, pos)
        if not m:
            continue
        skipped = False
        for later in rows[i + 1 : i + 1 + lookahead]:
            if later.printed_only:
                continue
            m2 = patterns[later.id].search(text, pos)
            if m2 and m2.start() < m.start():
                skipped = True
                break
        if skipped:
            continue
        found.append(_Segment(r, m.start(), m.end()))
        pos = m.end()
    for seg, nxt in zip(found, [*found[1:], None], strict=False):
        stop = nxt.start if nxt else len(text)
        seg.raw = text[seg.start : stop]
        seg.tokens = _NUMBER.findall(text[seg.end : stop])
    _align_stacked(found)
    return found


def _spread_over_missing(segments: list[_Segment], rows: list[Row], width: int) -> list[_Segment]:
    """Rows printed under labels the catalog does not know (「需另行制作」 after 「不掌握相关信息」): a row
    found with its own figures and then, after more words, whole rows' worth more, while the rows that
    follow it in the template are not found — each further run of `width` figures is the next missing row's,
    in template order. Only when the words between the runs are there to say a new row begins."""
    order = [r for r in rows if not r.printed_only or r.id == "other_subtotal"]
    found_ids = {s.row.id for s in segments}
    out: list[_Segment] = []
    for seg in segments:
        out.append(seg)
        runs = _figure_runs(seg.raw, width)
        if seg.failed or seg.aligned or len(runs) < 2 or seg.row not in order:
            continue
        at = order.index(seg.row)
        missing = []
        for r in order[at + 1 :]:
            if r.id in found_ids:
                break
            if not r.printed_only:
                missing.append(r)
        if seg.row.printed_only:  # （六）其他处理 printed with its items under short labels: they are the items
            missing = [r for r in order[at + 1 :] if r.group == "other" and r.id not in found_ids]
            if len(runs) != len(missing):
                continue
            seg.tokens = []
            out += [_Segment(r, seg.start, seg.end, seg.raw, run) for r, run in zip(missing, runs, strict=True)]
            continue
        if len(runs) - 1 > len(missing):
            continue
        seg.tokens = runs[0]
        out += [_Segment(r, seg.start, seg.end, seg.raw, run) for r, run in zip(missing, runs[1:], strict=False)]
    return out


def _figure_runs(raw: str, width: int) -> list[list[str]]:
    """A segment's figures in runs of exactly `width`, each run after words (the first after the label);
    empty unless every run is whole."""
    runs: list[list[str]] = []
    raw = re.sub(r"(?:^|(?<=[\s\u4e00-\u9fff]))\d{1,2}\s*[.．、](?=\s*[\u4e00-\u9fff])", " ", raw)  # 1.属于… numbering
    for piece in re.split(r"[\u4e00-\u9fff（）()“”、：:，]+", raw):
        tokens = _NUMBER.findall(piece)
        if tokens:
            runs.append(tokens)
    return runs if len(runs) >= 2 and all(len(r) == width for r in runs) else []


def _align_stacked(segments: list[_Segment]) -> None:
    """Rows printed as a run of labels with their figure lines stacked below get their figures back in
    template row order — the template fixes how many figures each row has, so the figures under the
    last label of a run belong, in order, to every row of the run. When the count does not come out
    exactly, no row of the run is given figures (they stay unresolved, with the reason)."""
    pending: list[_Segment] = []
    for seg in segments:
        if not seg.tokens:
            if not seg.row.printed_only:
                pending.append(seg)
            continue
        if not pending:
            continue
        run = [*pending, seg]
        pending = []
        if len(seg.tokens) == sum(len(s.row.columns) for s in run):
            by_row = _stacked_by_row(run, seg.tokens)
            by_column = _stacked_by_column(run, seg.tokens)
            # printed row after row, or (a converter reading the table column by column) column after
            # column: the layout whose rows keep the template's own sums wins; a tie stays row after row
            layout, note = ((by_column, ALIGNED_BY_COLUMN_NOTE)
                            if by_column and _rows_holding(run, by_column) > _rows_holding(run, by_row)
                            else (by_row, ALIGNED_NOTE))
            for s, values in zip(run, layout, strict=True):
                s.tokens = list(values)
                s.raw = f"{_label_of(s)} {' '.join(s.tokens)}{note}"
                s.aligned = True
        elif len(seg.tokens) > len(seg.row.columns):
            reason = (f"行标签与数字分开排印，{len(run)} 行应有 {sum(len(s.row.columns) for s in run)} 个数字，"
                      f"实际 {len(seg.tokens)} 个，无法对应")
            for s in run:
                s.failed = reason


def _stacked_by_row(run: list[_Segment], tokens: Sequence[str]) -> list[list[str]]:
    out, rest = [], list(tokens)
    for s in run:
        width = len(s.row.columns)
        out.append(rest[:width])
        rest = rest[width:]
    return out


def _stacked_by_column(run: list[_Segment], tokens: Sequence[str]) -> list[list[str]] | None:
    """The figures of a run read column by column (all rows' first column, then the second…); only
    where every row of the run has the same columns."""
    widths = {len(s.row.columns) for s in run}
    if len(widths) != 1 or len(run) < 2:
        return None
    n, width = len(run), widths.pop()
    return [[tokens[c * n + i] for c in range(width)] for i in range(n)]


def _rows_holding(run: list[_Segment], layout: list[list[str]]) -> int:
    return sum(_row_rules_hold(s.row.table, s.row.id, values) for s, values in zip(run, layout, strict=True))


def _label_of(seg: _Segment) -> str:
    """A row's printed label without the figures that follow it."""
    anchor_end = seg.end - seg.start
    first = _NUMBER.search(seg.raw, anchor_end)
    return re.sub(r"\s+", " ", seg.raw[: first.start()] if first else seg.raw).strip()


def _line_of(text: str, offset: int, line_offset: int) -> str:
    return f"第{text.count(chr(10), 0, offset) + 1 + line_offset}行"


def _clean_row_text(raw: str) -> str:
    """The printed row, up to its last figure (the next row's 「二、」 prefix is not part of it)."""
    last = max((m.end() for m in re.finditer(r"[\d" + BLANK + NONE + "]", raw)), default=len(raw))
    return re.sub(r"\s+", " ", raw[:last]).strip()


# ---------------------------------------------------------------- tables


def _row_cells(table: str, seg: _Segment, values: Sequence[str], src: str, fused: bool) -> list[Cell]:
    """The cells of one read row, each with how it was read: as printed, split by the arithmetic,
    given back from a stacked run, or a blank slot counted as 0."""
    row_text = _clean_row_text(seg.raw) if not seg.aligned else seg.raw
    if fused:
        row_text += _split_note(values)
    if BLANK in values:
        row_text = row_text.replace(BLANK, "空") + BLANK_NOTE
    if NONE in values:
        row_text = row_text.replace(NONE, "—") + NONE_NOTE
    cells = []
    for col, value in zip(seg.row.columns, values, strict=True):
        by = ("blank" if value in (BLANK, NONE) else "arithmetic" if fused else "aligned" if seg.aligned else "printed")
        cells.append(Cell(table, seg.row.id, col, value_of(value), seg.row.unit_of(col), src, row_text, by))
    return cells


def parse_table_a(text: str, *, source: str | None = None, line_offset: int = 0,
                  version: str = "2021") -> TableParse:
    text = _table_text(text, version)
    result = TableParse()
    rows = rows_of("A", version)
    found = {s.row.id: s for s in _find_rows(text, rows)}
    for r in rows:
        seg = found.get(r.id)
        if seg is None or (not seg.tokens and not seg.failed):
            result.missing.append(f"A.{r.id}")
            continue
        if seg.failed:
            result.unresolved.append(Unresolved("A", r.id, _clean_row_text(seg.raw), seg.failed))
            continue
        src = source or _line_of(text, seg.start, line_offset)
        if r.signed:  # a change (本年增/减) may be printed with its sign: read signed figures, never split
            seg.tokens = _SIGNED.findall(seg.raw[seg.end - seg.start :])
            cands = [tuple(t.translate(_SIGNS) for t in seg.tokens)] if len(seg.tokens) == len(r.columns) else []
        else:
            cands = split_candidates(seg.tokens, len(r.columns))
        if len(cands) == 1:
            result.cells += _row_cells("A", seg, cands[0], src, fused=len(seg.tokens) != len(r.columns))
        else:
            reason = (
                f"数字粘连「{''.join(seg.tokens)}」有 {len(cands)} 种拆分，无法唯一确定"
                if cands
                else f"找到 {len(seg.tokens)} 个数字，应为 {len(r.columns)} 个"
            )
            result.unresolved.append(Unresolved("A", r.id, _clean_row_text(seg.raw), reason))
    return result


def parse_table_b(text: str, *, source: str | None = None, line_offset: int = 0,
                  version: str = "2021") -> TableParse:
    text = _table_text(text, version)
    result = TableParse()
    rows = rows_of("B", version)
    segments = _spread_over_missing(_find_rows(text, rows), rows, 7)
    order = b_column_order(text[: segments[0].start]) if segments else None
    if order is not None:
        whole = [s.tokens for s in segments if len(s.tokens) == 7]
        identity = tuple(range(7))
        if order == identity or _rows_summing(whole, order) < _rows_summing(whole, identity):
            order = None  # the header's order would break rows whose 总计 adds up as printed: no order
    found = {s.row.id: s for s in segments}
    # （六）其他处理 printed as one row (no items): keep it only when it carries figures
    if "other_subtotal" in found and not found["other_subtotal"].tokens:
        del found["other_subtotal"]
    has_other_items = any(k.startswith("other_") and k != "other_subtotal" for k in found)
    candidates: dict[str, list[tuple[str, ...]]] = {}
    for r in rows:
        seg = found.get(r.id)
        if seg is not None and seg.failed:
            result.unresolved.append(Unresolved("B", r.id, _clean_row_text(seg.raw), seg.failed))
            continue
        if seg is None or not seg.tokens:
            if not r.printed_only and not (r.group == "other" and "other_subtotal" in found):
                result.missing.append(f"B.{r.id}")
            continue
        if r.printed_only and has_other_items:
            continue
        cands = split_candidates(seg.tokens, 7)
        if order is not None:  # the figures as the header orders them, put in the template's order
            cands = [tuple(c[k] for k in order) for c in cands]
        # a row read as printed needs no check; a split, or blanks read as 0, must add up
        exact = len(seg.tokens) == 7 and BLANK not in seg.tokens
        cands = [c for c in cands if exact or _row_rules_hold("B", r.id, c, version)]
        candidates[r.id] = cands
    chosen, ambiguous = _resolve_b(candidates, version)
    for row_id, values in chosen.items():
        seg = found[row_id]
        src = source or _line_of(text, seg.start, line_offset)
        cells = _row_cells("B", seg, values, src, fused=len(seg.tokens) != 7)
        if order is not None:
            cells = [replace(c, row_text=c.row_text + REORDERED_NOTE) for c in cells]
        result.cells += cells
    for row_id, reason in ambiguous.items():
        result.unresolved.append(Unresolved("B", row_id, _clean_row_text(found[row_id].raw), reason))
    return result


ColumnOrder = tuple[int, ...]  # order[k]: where the template's k-th column of table B stands among a row's figures
_GROUP_NAMES = ("自然人", "法人或其他组织", "总计")
_ORG = "法人或其他组织"


def _column_words(line: str) -> list[str]:
    """The words of a header line that are exactly one of table B's column names (or 法人或其他组织)."""
    labels = [c.label for c in B_COLUMNS]
    named: list[str] = []
    for w in (w.strip() for w in re.split(r"[\t|]+| +|\u3000+", line)):
        if w.startswith(_ORG) and w != _ORG and w[len(_ORG):] in labels[1:6]:
            w = w[len(_ORG):]  # 「法人或其他组织商业企业」: a two-line header cell read as one word
        if w in labels or w == _ORG:
            named.append(w)
    return named


def b_column_order(header: str) -> ColumnOrder | None:
    """Table B's column order as its header prints it, read from the header's cells (tab-, space- or
    pipe-separated words that are exactly a column's name) in reading order: a line naming all seven once,
    else the upper level (自然人, 法人或其他组织, 总计) with 法人或其他组织 standing for the five organisation
    columns of a lower line. None when the header does not name each column (generic headers, a header
    fused into one word, a note about the order inside a sentence)."""
    labels = [c.label for c in B_COLUMNS]
    orgs = labels[1:6]
    lines = [_column_words(ln) for ln in header.split("\n")]
    sequence: list[str] | None = next((ws for ws in reversed(lines) if sorted(ws) == sorted(labels)), None)
    if sequence is None:
        tops = next((list(dict.fromkeys(ws)) for ws in lines if _ORG in ws), None)
        subs = next((ws for ws in lines if sorted(w for w in ws if w in orgs) == sorted(orgs)), None)
        if tops is None or subs is None or sorted(tops) != sorted(_GROUP_NAMES):
            return None
        sequence = [x for w in tops for x in ([o for o in subs if o in orgs] if w == _ORG else [w])]
    if sorted(sequence) != sorted(labels):
        return None
    return tuple(sequence.index(x) for x in labels)


def _rows_summing(rows: Iterable[Sequence[str]], order: ColumnOrder) -> int:
    """How many rows, read in `order`, have 总计 = the other six."""
    count = 0
    for tokens in rows:
        values = [_dec(tokens[k]) for k in order]
        count += sum(values[:-1]) == values[-1]
    return count


def _b_column_rules(values: dict[str, tuple[str, ...]], version: str) -> bool:
    """The template's per-column rules between rows (一＋二＝三（七）＋四, （七）＝ the items), over the rows present."""
    from index.rules import holds_for_rows

    return holds_for_rows("B", {k: [_dec(v) for v in vals] for k, vals in values.items()}, for_each="column",
                          version=version)


def _resolve_b(
    candidates: dict[str, list[tuple[str, ...]]], version: str,
) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    chosen = {k: v[0] for k, v in candidates.items() if len(v) == 1}
    ambiguous: dict[str, str] = {}
    open_rows = {k: v for k, v in candidates.items() if len(v) != 1}
    for k, v in open_rows.items():
        if not v:
            ambiguous[k] = "数字个数或行合计对不上，无法拆分"
    multi = {k: v for k, v in open_rows.items() if len(v) > 1}
    if not multi:
        return chosen, ambiguous
    combos = 1
    for v in multi.values():
        combos *= len(v)
    if combos > MAX_SPLIT_CANDIDATES:
        for k, v in multi.items():
            ambiguous[k] = f"数字粘连，有 {len(v)} 种拆分，组合过多无法确定"
        return chosen, ambiguous
    keys = list(multi)
    fits = []
    for combo in itertools.product(*(multi[k] for k in keys)):
        trial = dict(chosen)
        trial.update(zip(keys, combo, strict=True))
        if _b_column_rules(trial, version):
            fits.append(combo)
    for idx, k in enumerate(keys):
        options = {combo[idx] for combo in fits}
        if len(options) == 1:
            chosen[k] = options.pop()
        else:
            ambiguous[k] = (
                f"数字粘连，按表内勾稽关系仍有 {len(options)} 种拆分，无法唯一确定"
                if options
                else "数字粘连，没有一种拆分满足表内勾稽关系"
            )
    return chosen, ambiguous


def parse_table_c(text: str, *, source: str | None = None, line_offset: int = 0,
                  version: str = "2021") -> TableParse:
    text = _table_text(text, version)
    result = TableParse()
    rows = rows_of("C", version)
    tokens = _NUMBER.findall(text)
    row_text = _clean_row_text(" ".join(tokens))
    if not tokens:
        result.missing += [f"C.{r.id}" for r in rows]
        return result
    cands = split_candidates(tokens, 15)
    if len(tokens) != 15:  # a split must give each group its total (a printed row is read as printed)
        cands = [c for c in cands if all(_row_rules_hold("C", r.id, c[g * 5 : g * 5 + 5], version)
                                for g, r in enumerate(rows))]
    src = source or _line_of(text, text.find(tokens[0]), line_offset)
    if len(cands) != 1:
        reason = (
            f"数字粘连「{''.join(tokens)}」按各组总计仍有 {len(cands)} 种拆分，无法唯一确定"
            if cands
            else f"找到 {len(tokens)} 个数字，无法对应 15 个单元格"
        )
        result.unresolved += [Unresolved("C", r.id, row_text, reason) for r in rows]
        return result
    fused = len(tokens) != 15
    note = _split_note(cands[0]) if fused else ""
    for g, r in enumerate(rows):
        values = cands[0][g * 5 : g * 5 + 5]
        # table C prints one unlabeled line of 15 figures; each group's source names its cells
        labelled = f"{r.label}：" + "，".join(f"{column('C', c).label} {value_of(v)}" for c, v in zip(
            r.columns, values, strict=True)) + note + (BLANK_NOTE if BLANK in values else "") + (
            NONE_NOTE if NONE in values else "")
        for col, value in zip(r.columns, values, strict=True):
            by = "blank" if value in (BLANK, NONE) else "arithmetic" if fused else "printed"
            result.cells.append(Cell("C", r.id, col, value_of(value), r.unit, src, labelled, by))
    return result


OMITTED_NOTE = "（年报注明数据均为0的项目未列出：此行未列出，按0计）"
# 「（注：数据均为0的项目未列出）」「未列出的项目数据均为0」: the report leaves its all-zero rows out, and says so
_ZERO_ROWS_OMITTED = re.compile(
    r"(?:均|全部|都)?为\s*[0０零](?:的)?(?:项目|项|行|栏目)(?:均|已)?(?:未|不|没有)(?:予)?(?:列出|列示|填列|列入|显示)"
    r"|未(?:列出|列示)的(?:项目|项|行)(?:数据|数值)?(?:均|都)?为\s*[0０零]")


def omitted_zero_rows(tables: TableParse, text: str, version: str = "2021") -> list[Cell]:
    """A report that says it leaves its all-zero rows out: the rows of tables A and B it does not print
    (not found at all — never a row printed but unreadable) are 0 in every column, said in each cell's
    provenance. Table B's only when its per-column rules (一＋二＝三（七）＋四, （七）＝ the items) still
    hold with those zeros; nothing when the report does not say so."""
    if not _ZERO_ROWS_OMITTED.search(re.sub(r"\s+", "", text)):
        return []
    read = {(c.table, c.row) for c in tables.cells} | {(u.table, u.row) for u in tables.unresolved}
    out: list[Cell] = []
    for table in "AB":
        cells = [c for c in tables.cells if c.table == table]
        if not cells:
            continue
        rows = rows_of(table, version)
        printed = {r for _, r in read}
        missing = [r for r in rows if (table, r.id) not in read and not r.printed_only
                   and not (r.group == "other" and "other_subtotal" in printed)]
        if not missing:
            continue
        if table == "B":
            by_id = {r.id: r for r in rows}
            values: dict[str, list[str]] = {}
            for c in cells:
                if c.row in by_id and c.column in by_id[c.row].columns:
                    columns = by_id[c.row].columns
                    values.setdefault(c.row, ["0"] * len(columns))[columns.index(c.column)] = c.value
            trial = {k: tuple(v) for k, v in values.items()} | {r.id: ("0",) * len(r.columns) for r in missing}
            if not _b_column_rules(trial, version):
                continue
        for r in missing:
            out += [Cell(table, r.id, col, "0", r.unit_of(col), cells[0].source, f"{r.label}：未列出{OMITTED_NOTE}",
                         "omitted") for col in r.columns]
    return out


def confirm_by_prose(unresolved: Unresolved, prose: str, version: str = "2021") -> list[Cell]:
    """A fused row of table A (「8855698」) split by the figures the report's own prose states for it
    (「现行有效行政规范性文件698件」「制发的规范性文件88件」): the split is taken only when every cell but one
    is a figure the prose prints in a sentence naming the row, and no other split fits as well."""
    from index.catalog import row as catalog_row

    r = catalog_row(unresolved.table, unresolved.row, version)
    if unresolved.table != "A" or len(r.columns) < 2 or r.signed:
        return []
    label = max((m.end() for a in r.anchors for m in re.finditer(_loose(a), unresolved.raw)), default=-1)
    if label < 0:
        return []
    tokens = _NUMBER.findall(unresolved.raw[label:])
    stated: set[str] = set()
    for sentence in re.split(r"[。；;\n]", prose):
        flat = re.sub(r"\s+", "", sentence)
        if any(a in flat for a in r.anchors):
            stated.update(re.findall(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])", flat))
    scored = [(sum(v in stated for v in c), c) for c in split_candidates(tokens, len(r.columns))]
    best = max((s for s, _ in scored), default=0)
    fits = [c for s, c in scored if s == best]
    if best < len(r.columns) - 1 or len(fits) != 1:
        return []
    values = fits[0]
    note = f"（数字粘连，按正文所载数字唯一拆分为：{' | '.join(values)}）"
    return [Cell("A", r.id, col, v, r.unit_of(col), "表格（正文印证）", unresolved.raw + note, "prose")
            for col, v in zip(r.columns, values, strict=True)]


def _split_note(values: Sequence[str]) -> str:
    """Shown with a fused row, so a reader sees how the printed digits were read."""
    return f"（数字粘连，按表内勾稽关系唯一拆分为：{' | '.join(values)}）"


_VALUE_CELL = re.compile(r"\d+(?:\.\d+)?")
_NONE_MARKS = ("—", "-", "－", "/", "／", "无", "——", "--", "\\")
# 「数据1」「列 2」「Column3」: a converter's generic header names carry a number that is no figure
_HEADER_NUMBERING = re.compile(r"(?<=[\u4e00-\u9fffA-Za-z])\s*\d{1,2}$")


def grid_lines(grid: Sequence[Sequence[str | None]], table: str | None = None, version: str = "2021") -> str:
    """A native table as tab-separated lines, the form the parser reads. Spanned slots (None) go; a
    label repeated by a span is kept once; generic header numbering is dropped. A row whose label is
    a template row of `table` and whose value slots are exactly that row's columns keeps its empty
    slots as BLANK (0 by the template); otherwise empty cells carry nothing."""
    lines = []
    c_figures_seen = False
    if table in ("A", "B"):
        grid = _wrapped_labels_joined(grid, table, version)
    parts = [_label_and_slots(row) for row in grid]
    apart = _labels_apart(parts)
    for i, (labels, slots) in enumerate(parts):
        if i in apart:  # a label printed apart from its figures (they follow below): its empty slots are no zeros
            lines.append("\t".join(labels))
            continue
        width = _row_width(table, "".join(labels), slots, version) if table and "" in slots else 0
        if table == "C" and width and not labels and not any(slots):
            # an all-blank line under table C's figures (a spreadsheet's empty row) is no second data row
            if c_figures_seen:
                lines.append("")
                continue
        c_figures_seen = c_figures_seen or (table == "C" and any(_VALUE_CELL.fullmatch(c) for c in slots))
        if width and len(slots) > width and not any(slots[width:]):
            slots = slots[:width]  # a short row padded to the grid's width (a div grid has no colspan)
        if labels and not any(slots) and _unfinished("".join(labels)):
            slots = []  # 「（二）部分公开（区分处理的，只计这一情形，」: a label wrapped onto the next line, no row
        if "" in slots and width and len(slots) == width:
            slots = [c or BLANK for c in slots]
        else:
            slots = [c for c in slots if c]
        lines.append("\t".join(labels + slots))
    return "\n".join(lines)


def _label_and_slots(row: Sequence[str | None]) -> tuple[list[str], list[str]]:
    """A grid row's label cells and its value slots (the cells after the last label, "" where empty)."""
    cells: list[str] = []
    for raw in row:
        if raw is None:
            continue
        cell = _THOUSANDS.sub("", raw.replace("\n", "").strip().translate(_FULLWIDTH_DIGITS))
        if cell in _NONE_MARKS:
            cell = NONE  # 「—」「/」「无」 in a value slot print that there is none
        if cell and cell != NONE and not _VALUE_CELL.fullmatch(cell):
            cell = _HEADER_NUMBERING.sub("", cell)
            if cells and cell == cells[-1]:
                continue
        cells.append(cell)
    k = len(cells)
    while k and (cells[k - 1] in ("", NONE) or _VALUE_CELL.fullmatch(cells[k - 1])):
        k -= 1
    return [c for c in cells[:k] if c and c != NONE], cells[k:]


def _labels_apart(parts: Sequence[tuple[list[str], list[str]]]) -> set[int]:
    """Rows that are labels printed apart from their figures: a run of labelled rows with every value slot
    empty, directly followed by a row without a label that holds figures (the run's figure lines)."""
    apart: set[int] = set()
    i = 0
    while i < len(parts):
        j = i
        while j < len(parts) and parts[j][0] and not any(parts[j][1]):
            j += 1
        if j > i and j < len(parts) and not parts[j][0] and any(parts[j][1]):
            apart.update(range(i, j))
        i = max(j, i + 1)
    return apart


def _is_figure_cell(cell: str | None) -> bool:
    text = _THOUSANDS.sub("", (cell or "").strip().translate(_FULLWIDTH_DIGITS))
    return bool(_VALUE_CELL.fullmatch(text)) or text in _NONE_MARKS


_NUMBERED_LABEL = re.compile(r"^\s*(?:\d|[（(][一二三四五六七八九十]|[一二三四五六七八九十]\s*、)")


def _wrapped_labels_joined(grid: Sequence[Sequence[str | None]], table: str, version: str
                           ) -> list[list[str | None]]:
    """A row label wrapped onto the next grid row (「1.申请人无正当理由逾期不补正、…政府信息公开」 with empty
    value slots, then 「申请」 with the row's figures): one row again. Only when the second row's label is a
    short unnumbered fragment that names no template row by itself, its figures are whole, and the joined
    label names a template row."""
    rows = [list(r) for r in grid]
    out: list[list[str | None]] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        texts = [c for c in row if c is not None]
        labels = [c for c in texts if c.strip() and not _is_figure_cell(c)]
        if nxt is not None and labels and not any(_is_figure_cell(c) for c in texts) and not _unfinished(labels[-1]):
            frag = [c for c in nxt if c is not None and c.strip() and not _is_figure_cell(c)]
            figures = [c for c in nxt if c is not None and _is_figure_cell(c)]
            label = re.sub(r"\s+", "", "".join(labels[-1:]))
            joined = label + "".join(re.sub(r"\s+", "", f) for f in frag)
            width = _row_width(table, joined, figures, version) if len(frag) == 1 else 0
            if (width and len(figures) == width and len(frag[0].strip()) <= 8 and not _NUMBERED_LABEL.match(frag[0])
                    and not _row_width(table, re.sub(r"\s+", "", frag[0]), figures, version)):
                out.append([*labels[:-1], labels[-1] + frag[0].strip(), *figures])
                i += 2
                continue
        out.append(row)
        i += 1
    return out


def _unfinished(label: str) -> bool:
    """Does a label stop mid-way: a bracket left open, or a comma at its end?"""
    return label.count("（") + label.count("(") > label.count("）") + label.count(")") or label.endswith(("，", ",", "、"))


def _row_width(table: str, label: str, slots: Sequence[str], version: str) -> int:
    """How many figures the template gives the row a grid line prints, or 0 if the line is no row."""
    if table == "C":
        # the one data row of table C: 15 slots, at least one figure or no header words at all
        return 15 if any(slots) or not label else 0
    label = re.sub(r"\s+", "", label)
    matched = [r for r in rows_of(table, version) if _row_pattern(r).search(label)]
    return len(matched[-1].columns) if matched else 0


def turned_upright(grid: Sequence[Sequence[str | None]]) -> list[list[str | None]]:
    """Table B printed turned (a spreadsheet's habit: one row per applicant column 自然人…总计, one column
    per template row) set upright, so each template row is a line again; any other grid as it is. Turned
    means: its first column names at least four of table B's seven applicant columns."""
    names = {c.label for c in B_COLUMNS}
    first = [re.sub(r"\s+", "", (row[0] or "") if row else "") for row in grid]
    named = {n for n in names for cell in first if cell == n or cell.endswith(("-" + n, "－" + n, "—" + n))}
    if len(named) < 4:
        return [list(row) for row in grid]
    width = max((len(row) for row in grid), default=0)
    padded = [list(row) + [""] * (width - len(row)) for row in grid]
    return [[padded[r][c] for r in range(len(padded))] for c in range(width)]


def joined_halves(grids: Sequence[Sequence[Sequence[str | None]]]) -> list[tuple[int, list[list[str | None]]]]:
    """Table B printed as two tables side by side in print order (the applicant columns split in two
    halves, the second 「申请人情况（续）」 repeating the rows' labels): one grid again, each row the first
    half's cells then the second half's figures. Told by shape: two table-B grids one after the other, of
    as many rows, whose headers name different applicant columns. Each grid with its index among `grids`
    (a joined one: its first half's)."""
    out: list[tuple[int, list[list[str | None]]]] = [(n, [list(r) for r in g]) for n, g in enumerate(grids)]
    i = 0
    while i + 1 < len(out):
        first, second = out[i][1], out[i + 1][1]
        at = _first_column_at(second)
        if (len(first) == len(second) and classify_grid(first) == classify_grid(second) == "B"
                and at is not None and _first_column_at(first) is not None
                and _columns_named(first).isdisjoint(_columns_named(second))):
            out[i] = (out[i][0], [a + b[at:] for a, b in zip(first, second, strict=True)])
            del out[i + 1]
        i += 1
    return out


def _header_names(grid: Sequence[Sequence[str | None]]) -> list[str]:
    return [re.sub(r"\s+", "", c or "") for c in (grid[0] if grid else [])]


def _columns_named(grid: Sequence[Sequence[str | None]]) -> set[str]:
    """The applicant columns a grid's header row names (法人或其他组织\n社会公益组织 names 社会公益组织)."""
    labels = {c.label for c in B_COLUMNS if c.label not in ("法人或其他组织",)}
    return {label for cell in _header_names(grid) for label in labels if cell.endswith(label)}


def _first_column_at(grid: Sequence[Sequence[str | None]]) -> int | None:
    """Where a grid's header row names its first applicant column."""
    labels = {c.label for c in B_COLUMNS}
    return next((k for k, cell in enumerate(_header_names(grid)) if any(cell.endswith(x) for x in labels)), None)


def classify_grid(grid: Sequence[Sequence[str | None]]) -> str | None:
    flat = re.sub(r"\s+", "", "".join("".join(c or "" for c in r) for r in grid))
    if "本年新收" in flat or "予以公开" in flat or "结转下年度" in flat or "不予处理" in flat or "无法提供" in flat:
        return "B"
    if "复议" in flat and ("维持" in flat or "纠正" in flat):
        return "C"
    if any(k in flat for k in ("规章", "行政许可", "行政处罚", "行政事业性收费", "第二十条")):
        return "A"
    return None
