"""The damage model: the forms real reports arrive in (../shared/FORMAT.md "Forms real reports arrive in"),
as composable options over a report's figures and prose.

A `Source` is what a report says — identity, every table cell (the gold), prose blocks — built either from
a synthetic truth (eval/synth.py) or from the product's own parse of a shared report (only as a source of
figures and prose). `render(source, classes, path)` writes it in the damaged form the classes name; the
classes compose (`markdown+generic_headers`): at most one sets the output form, the others edit the body
name, the title or the tables. The registry `CLASSES` is keyed by class name.

Pure Python (lxml-free): the renderers only write text."""

from __future__ import annotations

import html
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from eval import synth
from eval.synth import A_BLOCKS, A_LABELS, B_CORNER, B_ORG_HEADERS, B_RESULT_LABEL, C_HEADERS, Block, CellKey
from index.catalog import B_GROUPS, rows_of

TCell = synth._TCell  # text, rowspan, colspan, number — HTML span semantics
Rows = list[list[TCell]]

# ---------------------------------------------------------------- what a report says


@dataclass
class Source:
    """A report's content, independent of its printed form."""

    key: str  # a file stem, unique in a corpus
    body: str  # the true body (gold)
    year: int
    printed_name: str  # the body as the title prints it
    kind: str  # city | county | district | dept | town
    cells: dict[CellKey, str]  # gold: every cell the report prints readably, exactly as printed
    blocks: list[Block]  # para / heading / table, in order, without the title
    raw_rows: dict[tuple[str, str], str] = field(default_factory=dict)  # printed rows without gold (fused)
    spoken: tuple[str, ...] = ()  # names the gold questions use for the body (empty: the generator's)
    accepted: tuple[str, ...] = ()  # other body names that count as a correct identification
    origin: str = "synth"  # synth | shared
    truth: synth.ReportTruth | None = None

    @property
    def title(self) -> str:
        return f"{self.printed_name}{self.year}年政府信息公开工作年度报告"

    def has_row(self, table: str, row_id: str) -> bool:
        return (table, row_id) in self.raw_rows or any(
            (table, row_id, c) in self.cells for c in _COLUMNS[(table, row_id)])

    def row_values(self, table: str, row_id: str) -> list[str]:
        return [self.cells[(table, row_id, c)] for c in _COLUMNS[(table, row_id)]]


_COLUMNS = {(r.table, r.id): tuple(r.columns) for t in "ABC" for r in rows_of(t)}
_OFFICE_KINDS = ("city", "county", "district")


def source_from_truth(truth: synth.ReportTruth, spoken: Sequence[str] = ()) -> Source:
    blocks = [b for b in synth.compose(truth) if b.kind != "title"]
    return Source(f"{truth.body}-{truth.year}", truth.body, truth.year, truth.printed_name, truth.kind,
                  dict(truth.cells), blocks, spoken=tuple(spoken), truth=truth)


def sources_from_shared(folder: Path | str) -> list[Source]:
    """The shared reports (*.txt) as sources: the cells and prose the product itself reads from them.
    Rows it leaves unresolved are printed as they were (no gold); nothing is invented."""
    from index.chunk import clean_prose
    from index.identify import SECTION_TITLES, split_sections
    from index.load import load_file
    from index.parse import parse_loaded

    out = []
    for path in sorted(Path(folder).glob("*.txt")):
        parsed = parse_loaded(load_file(path))
        ident = parsed.identity
        cells = {(c.table, c.row, c.column): c.value for c in parsed.tables.cells}
        raw = {(u.table, u.row): u.raw for u in parsed.tables.unresolved}
        text = parsed.text
        blocks: list[Block] = []
        for sec in split_sections(text):
            chunk = text[sec.start:sec.end]
            if sec.number == 0:
                chunk = _after_title(chunk, ident.title)
            else:
                blocks.append(Block("heading", SECTION_TITLES[sec.number]))
            if sec.number in (2, 3, 4):
                blocks.append(Block("table", "ABC"[sec.number - 2]))
                continue
            lines = clean_prose(chunk).splitlines()
            if sec.number and lines:
                lines[0] = _drop_heading(lines[0])
            blocks += [Block("para", ln) for ln in lines if ln.strip()]
        kind = synth.body_kind(ident.body)[0]
        out.append(Source(path.stem, ident.body, ident.year, ident.full_name, kind, cells, blocks, raw,
                          origin="shared"))
    return out


def _after_title(text: str, title: str) -> str:
    """The preface after the title, without a crawl's metadata (「==== 正文 ====」, a breadcrumb line
    that prints the title again and ends in 「-->」)."""
    pattern = r"\s*".join(re.escape(ch) for ch in title)
    m = re.search(pattern, text)
    rest = text[m.end():] if m else text
    marker = re.search(r"=+\s*正文\s*=+", rest)
    if marker:
        rest = rest[marker.end():]
    again = re.search(pattern, rest[:400])
    if again and not re.search("[。，]", rest[:again.start()]):  # again in a breadcrumb, not a sentence
        rest = rest[again.end():]
        arrow = rest.find("-->", 0, 300)
        rest = rest[arrow + 3:] if arrow >= 0 else rest
    return rest


def _drop_heading(line: str) -> str:
    return re.sub(r"^\s*[一二三四五六]\s*、[^。，；]{0,24}?(?:情况|事项|措施)\s*", "", line)


# ---------------------------------------------------------------- the tables as rows of cells


def _style(rng: random.Random) -> synth._Style:
    return synth._style(rng)


def _num_cells(values: Sequence[str], colspan: int = 1) -> list[TCell]:
    return [TCell(v, 1, colspan, True) for v in values]


def _raw_cells(raw: str) -> list[TCell]:
    """An unresolved row as it was printed: its label, then its digit runs."""
    head = re.split(r"\d", raw, maxsplit=1)[0].strip()
    return [TCell(head)] + _num_cells(re.findall(r"\d+(?:\.\d+)?", raw[len(head):]))


def _data_cells(src: Source, table: str, row_id: str, colspan: int = 1) -> list[TCell]:
    if (table, row_id) in src.raw_rows:
        return _raw_cells(src.raw_rows[(table, row_id)])[1:]
    return _num_cells(src.row_values(table, row_id), colspan)


def table_a(src: Source) -> Rows:
    rows: Rows = []
    for head, cols, row_ids in A_BLOCKS:
        present = [r for r in row_ids if src.has_row("A", r)]
        if not present:
            continue
        span = 3 if len(cols) == 1 else 1
        rows.append([TCell(head, 1, 4)])
        rows.append([TCell("信息内容")] + [TCell(c, 1, span) for c in cols])
        for r in present:
            rows.append([TCell(A_LABELS[r])] + _data_cells(src, "A", r, span))
    return rows


def _b_result_rows(src: Source) -> list[tuple[str, str | None, int]]:
    """(row id, group id or None, rows in its group) of the result rows the report prints."""
    out: list[tuple[str, str | None, int]] = [(r, None, 1) for r in ("granted", "partly_granted")
                                               if src.has_row("B", r)]
    for g in ("withheld", "unable", "rejected", "other"):
        items = [r.id for r in rows_of("B") if r.group == g and src.has_row("B", r.id)]
        if g == "other" and not items and src.has_row("B", "other_subtotal"):
            out.append(("other_subtotal", None, 1))
        out += [(r, g, len(items)) for r in items]
    if src.has_row("B", "total"):
        out.append(("total", None, 1))
    return out


def table_b(src: Source, st: synth._Style) -> Rows:
    rows: Rows = [
        [TCell(st.paren(B_CORNER), 3, 3), TCell("申请人情况", 1, 7)],
        [TCell("自然人", 2, 1), TCell("法人或其他组织", 1, 5), TCell("总计", 2, 1)],
        [TCell(h) for h in B_ORG_HEADERS],
    ]
    for r in ("new", "carried_over"):
        if src.has_row("B", r):
            rows.append([TCell(synth.B_TOP_LABELS[r], 1, 3)] + _data_cells(src, "B", r))
    result = _b_result_rows(src)
    items = {r.id: r for r in rows_of("B")}
    seen_groups: set[str] = set()
    for i, (row_id, group, n_group) in enumerate(result):
        head = [TCell(B_RESULT_LABEL, len(result), 1)] if i == 0 else []
        if group is None:
            label = synth.B_PLAIN_LABELS.get(row_id) or (B_GROUPS["other"][0] if row_id == "other_subtotal" else "")
            cells = head + [TCell(st.paren(label), 1, 2)]
        else:
            if group not in seen_groups:
                head.append(TCell(st.paren(B_GROUPS[group][0]), n_group, 1))
                seen_groups.add(group)
            cells = head + [TCell(st.item(items[row_id]))]
        rows.append(cells + _data_cells(src, "B", row_id))
    if src.has_row("B", "carry_forward"):
        rows.append([TCell(synth.B_TOP_LABELS["carry_forward"], 1, 3)] + _data_cells(src, "B", "carry_forward"))
    return rows


C_ROW_IDS = tuple(r.id for r in rows_of("C"))


def table_c(src: Source) -> Rows:
    sub = [TCell(h) for h in C_HEADERS]
    values: list[TCell] = []
    for r in C_ROW_IDS:
        if src.has_row("C", r):
            values += _data_cells(src, "C", r)
    return [
        [TCell("行政复议", 1, 5), TCell("行政诉讼", 1, 10)],
        [TCell(h, 2, 1) for h in C_HEADERS] + [TCell("未经复议直接起诉", 1, 5), TCell("复议后起诉", 1, 5)],
        sub + sub,
        values,
    ]


def is_data_row(row: list[TCell]) -> bool:
    return any(c.number for c in row)


def flatten(row: list[TCell]) -> list[str]:
    """A row as a text extractor prints it: each cell once, a spanned cell followed by empty slots."""
    out: list[str] = []
    for c in row:
        out += [c.text] + [""] * (c.colspan - 1)
    return out


# ---------------------------------------------------------------- the document being rendered


@dataclass
class Doc:
    source: Source
    rng: random.Random
    style: synth._Style
    name_in_title: str
    blocks: list[Block]
    tables: dict[str, Rows]
    front: list[str] = field(default_factory=list)  # lines before the title (front matter)
    title_lines: list[str] | None = None  # None: the plain one-line title
    no_title: bool = False
    file_name: str = ""  # relative path (may hold a folder)
    notes: list[str] = field(default_factory=list)  # what was done, for the manifest
    b_order: tuple[int, ...] = tuple(range(7))  # table B's printed column order (indices into the template's)

    def title_text(self) -> list[str]:
        if self.no_title:
            return []
        return self.title_lines or [f"{self.name_in_title}{self.source.year}年政府信息公开工作年度报告"]


# ---------------------------------------------------------------- identity edits


DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("发展和改革局", "发改局"), ("科学技术委员会", "科委"), ("人力资源和社会保障局", "人社局"),
    ("市场监督管理局", "市场监管局"), ("公安局", "公安局"), ("人民政府办公室", "政府办"),
    ("发展和改革委员会", "发改委"), ("住房和城乡建设局", "住建局"), ("卫生健康委员会", "卫健委"),
    ("科学技术局", "科技局"),
)


def department_of(gov: str, index: int) -> tuple[str, str]:
    """(full name, the standard short form people use) of a department of government `gov`."""
    full, short = DEPARTMENTS[index % len(DEPARTMENTS)]
    return gov + full, gov + short


def department_bodies(n: int, seed: int, exclude: Sequence[str] = ()) -> list[tuple[str, str]]:
    """`n` departments (full name, short form) of distinct county/city/district governments from the
    generator's pools, none of whose government is in `exclude`, each identified as itself today."""
    taken = set().union(*(synth.short_forms(b) for b in exclude)) if exclude else set()
    govs = [name for name, kind, _ in synth.BODY_POOL + synth.GENERATED_POOL
            if kind in _OFFICE_KINDS and not synth.short_forms(name) & taken]
    random.Random(f"departments|{seed}").shuffle(govs)
    out: list[tuple[str, str]] = []
    for i, gov in enumerate(govs):
        full, short = department_of(gov, i)
        if synth._parses_as_itself(full):
            out.append((full, short))
        if len(out) == n:
            return out
    raise ValueError(f"only {len(out)} departments available, {n} asked")


def _department_source(src: Source, rng: random.Random) -> Source:
    """A report re-rendered as one of its government's departments (gold: the department's full name;
    questions: 「<政府>发改局」)."""
    if src.kind == "dept":
        return src
    full, short = department_of(src.body, rng.randrange(len(DEPARTMENTS)))
    return replace(src, body=full, printed_name=full, kind="dept", spoken=(short,), key=f"{src.key}-dept")


# Characters OCR and converters swap for one another: glyphs a stroke or a dot apart, or 氵 read as 冫/讠/亻
# (each maps to its look-alike). Pairs whose members begin different real places (阳/阴) are left out.
LOOKALIKES = {
    "沭": "沐", "沐": "沭", "己": "已", "已": "己", "巳": "已", "0": "O", "O": "0", "汨": "汩", "汩": "汨",
    "淮": "准", "潭": "谭", "谭": "潭", "天": "夭", "土": "士", "士": "土", "末": "未", "未": "末", "日": "曰",
    "戊": "戌", "侯": "候", "候": "侯", "崇": "祟", "亳": "毫", "徽": "微", "茶": "荼", "泽": "译", "江": "汪",
    "洪": "供", "清": "倩", "宁": "宇", "海": "诲", "昌": "冒", "西": "酉", "太": "大", "大": "太", "河": "何",
    "汉": "仅", "浦": "捕", "平": "乎", "盱": "旴", "睢": "雎", "泸": "沪", "淅": "浙", "鄞": "勤", "沅": "阮",
    "婺": "鹜", "衢": "瞿", "怀": "坏", "市": "巿", "县": "具",
}
_SUFFIX_CHARS = set("市县区镇旗")


def lookalike(name: str, rng: random.Random) -> str | None:
    """`name` with one character swapped for a look-alike (a character of the place name rather than its
    suffix when there is one); None when no character has a look-alike."""
    spots = [i for i, ch in enumerate(name) if ch in LOOKALIKES]
    inner = [i for i in spots if name[i] not in _SUFFIX_CHARS]
    if not spots:
        return None
    i = rng.choice(inner or spots)
    return name[:i] + LOOKALIKES[name[i]] + name[i + 1:]


def _lookalike_title(doc: Doc) -> None:
    from index.identify import canonical_body

    body, name = doc.source.body, doc.name_in_title
    swapped_body = lookalike(body, doc.rng)  # inside the body's own name: a prefecture's would be dropped
    if swapped_body is None or body not in name:
        raise ValueError(f"{name}: no character of {body} has a look-alike")
    swapped = name.replace(body, swapped_body, 1)
    doc.name_in_title = swapped
    doc.source = replace(doc.source, accepted=(*doc.source.accepted, canonical_body(swapped)))
    doc.notes.append(f"title name {swapped}")


def _wrapped_title(doc: Doc) -> None:
    """Two lines, 「2024 年」 spaced, year first or body first, with or without 工作, after front matter."""
    rng, name, year = doc.rng, doc.name_in_title, doc.source.year
    work = "工作" if rng.random() < 0.5 else ""
    if rng.random() < 0.5:
        first, second = f"{year} 年{name}政府信息公开{work}", "年度报告"
    else:
        full = f"{name} {year} 年政府信息公开{work}年度报告"
        cut = rng.randint(full.index("年") + 2, len(full) - 3)  # inside 政府信息公开…, never before the year
        first, second = full[:cut], full[cut:]
    doc.title_lines = [first, second]
    doc.front = rng.choice((["正文"], ["正  文", ""], ["- 1 -", "正文"], ["<!-- page 1 -->", "正文"]))
    if doc.front[0].startswith("<!--") and not doc.file_name.endswith(".md"):
        doc.front = ["正文"]
    doc.notes.append("title " + " / ".join(doc.title_lines))


def _late_title(doc: Doc) -> None:
    """No title: the first paragraph names the body (「本报告由…编制」), the file name holds the year."""
    import hashlib

    src = doc.source
    doc.no_title = True
    own_title = re.compile(r"\s*".join(re.escape(ch) for ch in src.title))  # quoted in the prose, too
    doc.blocks = [replace(b, text=own_title.sub("本报告", b.text)) if b.kind == "para" else b for b in doc.blocks]
    opens = bool(doc.blocks) and doc.blocks[0].kind == "para" and doc.blocks[0].text.startswith("本报告由")
    if not opens:  # the synthetic preface already opens 「本报告由<机关>办公室根据…编制」
        doc.blocks = [Block("para", f"本报告由{_office(doc.name_in_title, src.kind)}编制。"), *doc.blocks]
    # a folder of its own (named without the body or a digit-free year clue) and a name holding the year
    folder = "r" + "".join(chr(ord("a") + int(x, 16)) for x in hashlib.sha1(src.key.encode()).hexdigest()[:8])
    name = f"政府信息公开工作年度报告（{src.year}）{Path(doc.file_name).suffix}"
    doc.file_name = f"{folder}/{name}"
    doc.notes.append(f"no title; file {doc.file_name}")


_SELF_NAMES = ("本局", "本机关", "本单位")


def _self_named(doc: Doc) -> None:
    """The body named only in the file name: a body-less title (「2024年政府信息公开工作年度报告」), the
    first paragraph 「本报告由本局办公室…编制」, the prose saying 本局/本机关 wherever it named the body."""
    src = doc.source
    me = doc.rng.choice(_SELF_NAMES)
    names = sorted({src.printed_name, src.body, doc.name_in_title}, key=len, reverse=True)
    parent = r"(?:(?:(?![年月日在由和及与对为是])[\u4e00-\u9fff]){2,6}?(?:省|市|州|自治区))?"  # 淮安市洪泽区
    own = re.compile(parent + "(?:" + "|".join(r"\s*".join(re.escape(ch) for ch in n) for n in names) + ")(?:人民政府)?")
    doc.blocks = [replace(b, text=own.sub(me, b.text)) if b.kind == "para" else b for b in doc.blocks]
    opens = bool(doc.blocks) and doc.blocks[0].kind == "para" and doc.blocks[0].text.startswith("本报告由")
    if not opens:
        doc.blocks = [Block("para", f"本报告由{me}办公室根据《中华人民共和国政府信息公开条例》编制，数据统计期限为"
                                    f"{src.year}年1月1日至{src.year}年12月31日。"), *doc.blocks]
    doc.title_lines = [f"{src.year}年政府信息公开工作年度报告"]
    doc.file_name = f"{doc.name_in_title}{src.year}年政府信息公开工作年度报告{Path(doc.file_name).suffix}"
    doc.notes.append(f"body only in the file name {doc.file_name}; prose says {me}")


def _office(name: str, kind: str) -> str:
    """Who compiles the report: a government's office (「某县人民政府办公室」), or the department itself."""
    if kind not in _OFFICE_KINDS:
        return name
    return name + "办公室" if name.endswith("政府") else name + "人民政府办公室"


# ---------------------------------------------------------------- table edits


def _data_indices(rows: Rows) -> list[int]:
    return [i for i, r in enumerate(rows) if is_data_row(r)]


def _flat_rowspans(rows: Rows) -> Rows:
    """Rows whose order changed no longer fit rowspans: every cell spans one row."""
    return [[replace(c, rowspan=1) for c in r] for r in rows]


def _label_figure_separation(doc: Doc) -> None:
    """Table B: a run of labels, then their figure lines stacked below; table A: a label, then a line of
    its own, then its figures (two lines later)."""
    rng = doc.rng
    b = _flat_rowspans(doc.tables["B"])
    data = _data_indices(b)
    k = min(len(data), rng.randint(3, 6))
    start = rng.randrange(0, len(data) - k + 1)
    run = data[start:start + k]
    labels = [[c for c in b[i] if not c.number] for i in run]
    figures = [[TCell("")] + [c for c in b[i] if c.number] for i in run]
    doc.tables["B"] = b[:run[0]] + labels + figures + b[run[-1] + 1:]
    a = _flat_rowspans(doc.tables["A"])
    out: Rows = []
    i = 0
    while i < len(a):
        row, nxt = a[i], a[i + 1] if i + 1 < len(a) else []
        if is_data_row(row) and is_data_row(nxt) and rng.random() < 0.5:  # 「规章」「行政规范性文件」, then both
            out += [[c for c in r if not c.number] for r in (row, nxt)]
            out += [[TCell("")] + [c for c in r if c.number] for r in (row, nxt)]
            i += 2
            continue
        if is_data_row(row) and rng.random() < 0.6:
            out += [[c for c in row if not c.number], [TCell("")], [TCell("")] + [c for c in row if c.number]]
        else:
            out.append(row)
        i += 1
    doc.tables["A"] = out
    doc.notes.append(f"B rows {run[0]}..{run[-1]} labels then figures")


def _stacked_rows(doc: Doc) -> None:
    """Each figure of a row on a line of its own below the label (narrow columns read top to bottom):
    a run of table B rows and the figure line of table C."""
    rng = doc.rng
    b = _flat_rowspans(doc.tables["B"])
    data = _data_indices(b)
    k = min(len(data), rng.randint(4, 10))
    start = rng.randrange(0, len(data) - k + 1)
    chosen = set(data[start:start + k])
    out: Rows = []
    for i, row in enumerate(b):
        if i in chosen:
            out.append([c for c in row if not c.number])
            out += [[c] for c in row if c.number]
        else:
            out.append(row)
    doc.tables["B"] = out
    c = doc.tables["C"]
    doc.tables["C"] = c[:-1] + [[cell] for cell in c[-1]]
    doc.notes.append(f"B rows {min(chosen)}..{max(chosen)} and C stacked")


_GENERIC_B = [TCell("申请人情况")] + [TCell(f"数据{i}") for i in range(1, 7)] + [TCell("总计")]


def _generic_headers(doc: Doc) -> None:
    """Converter headers: table B's `| 申请人情况 | 数据1 | … | 数据6 | 总计 |`, table A's 数据1…,
    and table C carrying table B's header (or 数据1…数据15)."""
    rng = doc.rng
    b = doc.tables["B"]
    first = _data_indices(b)[0]
    doc.tables["B"] = [list(_GENERIC_B)] + _flat_rowspans(b[first:])
    doc.tables["A"] = [[TCell("信息内容")] + [TCell(f"数据{i}") for i in range(1, len(r))]
                       if r and r[0].text == "信息内容" else r for r in doc.tables["A"]]
    c = doc.tables["C"]
    if rng.random() < 0.5:
        b_header = [[replace(cell, rowspan=1) for cell in row] for row in table_b(doc.source, doc.style)[:3]]
        doc.tables["C"] = b_header[1:] + c[-1:]
        doc.notes.append("C carries B's header")
    else:
        doc.tables["C"] = [[TCell(f"数据{i}") for i in range(1, 16)]] + c[-1:]
        doc.notes.append("C header 数据1…数据15")


def _detached_multiline_cell(doc: Doc) -> None:
    """A multi-line cell printed as its own line: 「行政规范性文件 12 5」/「（含自然失效3件）」/「40」 in
    table A, and a wrapped B label whose second line follows the row's figures."""
    rng = doc.rng
    a = doc.tables["A"]
    targets = [i for i, r in enumerate(a) if is_data_row(r) and r[0].text in (A_LABELS["normative_doc"],
                                                                              A_LABELS["regulation"])
               and len([c for c in r if c.number]) == 3]
    if targets:
        i = targets[-1] if a[targets[-1]][0].text == A_LABELS["normative_doc"] else targets[0]
        label, v1, v2, v3 = a[i]
        k = rng.randint(0, int(v2.text)) if v2.text.isdigit() else 0
        a[i:i + 1] = [[label, v1, v2], [TCell(f"（含自然失效{k}件）")], [v3]]
        doc.notes.append(f"A {label.text} cell split")
    b = _flat_rowspans(doc.tables["B"])
    for i, row in enumerate(b):
        labels = [c for c in row if not c.number and len(c.text) > 14]
        if is_data_row(row) and labels and rng.random() < 0.5:
            long = labels[-1]
            cut = rng.randint(6, len(long.text) - 4)
            b[i] = [replace(c, text=long.text[:cut]) if c is long else c for c in row]
            b.insert(i + 1, [TCell(long.text[cut:])])
            doc.notes.append(f"B label {long.text[:6]}… continued after its figures")
            break
    doc.tables["B"] = b


# Table B's applicant columns in another order than the template's: 总计 first, or the five 法人或其他组织
# columns before 自然人 (indices into the template's order 自然人, five 法人, 总计)
_B_ORDERS = {"total_first": (6, 0, 1, 2, 3, 4, 5), "orgs_first": (1, 2, 3, 4, 5, 0, 6)}


def _reordered_b_columns(doc: Doc) -> None:
    """Table B's column groups printed in another order; its header says which (and the order only there)."""
    name = doc.rng.choice(sorted(_B_ORDERS))
    order = _B_ORDERS[name]
    b = doc.tables["B"]
    natural, orgs, total = b[1]
    groups = {0: natural, 1: orgs, 6: total}
    b[1] = [groups[i] for i in order if i in groups]
    for r, row in enumerate(b[3:], start=3):
        figures = [c for c in row if c.number]
        if len(figures) == 7 and row[-7:] == figures:
            b[r] = row[:-7] + [figures[i] for i in order]
    doc.b_order = order
    doc.notes.append(f"B columns {name}")


_LEADERS = ("……", "…………", "......", "··········")


def _leader_lines(doc: Doc) -> None:
    """Every cell on a line of its own, its row and column names joined to its figure by a dotted leader
    (「行政规范性文件·现行有效件数……698」); table B's rows under a label line of their own, the columns
    in template order or the five 法人或其他组织 columns first (「　　法人或其他组织·商业企业……3」)."""
    rng, src = doc.rng, doc.source
    dots = rng.choice(_LEADERS)
    a: Rows = []
    for head, cols, row_ids in A_BLOCKS:
        a.append([TCell(head)])
        for r in row_ids:
            if ("A", r) in src.raw_rows:
                a.append(_raw_cells(src.raw_rows[("A", r)])[:1] + _raw_cells(src.raw_rows[("A", r)])[1:])
            elif src.has_row("A", r):
                a += [[TCell(f"{A_LABELS[r]}·{c}{dots}{v}")] for c, v in zip(cols, src.row_values("A", r), strict=True)]
    order = rng.choice(sorted(_B_ORDERS.values()) + [tuple(range(7))])
    names = ["自然人", *(f"法人或其他组织·{h}" for h in B_ORG_HEADERS), "总计"]
    b: Rows = [[TCell("（本表各行依次列出" + "、".join(dict.fromkeys(names[i].split("·")[0] for i in order)) + "）")]]
    for row in doc.tables["B"][3:]:
        printed = [c.text for c in row if c.number]
        label = " ".join(c.text for c in row if not c.number and c.text)
        if len(printed) != 7:
            b.append(row)
            continue
        figures = [printed[doc.b_order.index(k)] for k in range(7)]  # back in the template's order
        b.append([TCell(label)])
        b += [[TCell(f"\u3000\u3000{names[i]}{dots}{figures[i]}")] for i in order]
    c_rows: Rows = []
    values = [c.text for c in doc.tables["C"][-1]]
    if len(values) == 15:
        for g, r in enumerate(rows_of("C")):
            c_rows += [[TCell(f"{r.label}·{h}{dots}{v}")] for h, v in zip(C_HEADERS, values[g * 5:g * 5 + 5],
                                                                            strict=True)]
    doc.tables.update({"A": a, "B": b, "C": c_rows or doc.tables["C"]})
    doc.notes.append(f"leader lines {dots}, B order {order}")


def _dash_zeros(doc: Doc) -> None:
    """Text of a PDF with no grid lines: each table row one line of space-separated cells, tables B's and
    C's headers fused into one line, and every 0 of tables B and C printed as a mark (「—」, 「/」, 「－」)."""
    mark = doc.rng.choice(("—", "/", "－"))
    for t in "ABC":
        rows = doc.tables[t]
        head = {"A": 0, "B": 3, "C": len(rows) - 1}[t]
        lines: Rows = [[TCell(" ".join(c.text for r in rows[:head] for c in r if c.text))]] if head else []
        for row in rows[head:]:
            cells = [mark if c.number and c.text == "0" and t != "A" else c.text for c in row if c.text]
            lines.append([TCell(" ".join(cells))])
        doc.tables[t] = lines
    doc.notes.append(f"zeros as {mark}, rows as spaced lines")


_OCR_SWAPS = (("1.", "l."), ("2.", "Z."), ("1、", "l、"), ("2、", "Z、"), ("已", "己"), ("可", "司"), ("请", "靖"))
_FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def _ocr_text(doc: Doc) -> None:
    """OCR of a scanned PDF: every table row one line of cells apart by ideographic spaces, figures in
    full-width digits, look-alike slips in labels (l./Z. for 1./2., 己 for 已, 司 for 可, 靖 for 请), long
    labels broken mid-word over two lines (the figures after the second part), a bracketed page mark
    (「［第3页］」) inside table B and table C's header fused into one line."""
    rng = doc.rng
    _fused_c_header(doc)
    for t in "ABC":
        lines: Rows = []
        for row in doc.tables[t]:
            labels = [c.text for c in row if not c.number and c.text]
            figures = [c.text.translate(_FULL_WIDTH) for c in row if c.number]
            label = "\u3000".join(labels)
            for a, b in _OCR_SWAPS:
                label = label.replace(a, b)
            if len(label) > 14 and figures and rng.random() < 0.4:
                cut = rng.randint(6, len(label) - 3)
                lines.append([TCell(label[:cut])])
                label = label[cut:]
            lines.append([TCell("\u3000".join([label, *figures]) if label else "\u3000".join(figures))])
        doc.tables[t] = lines
    b = doc.tables["B"]
    at = rng.randint(len(b) // 3, 2 * len(b) // 3)
    doc.tables["B"] = b[:at] + [[TCell("")], [TCell(f"［第{rng.randint(2, 5)}页］")]] + b[at:]
    doc.notes.append("OCR text")


def _wrapped_label_row(doc: Doc) -> None:
    """A long table B label wrapped onto a grid row of its own: its first part with empty value slots,
    then the last few characters with the row's figures (「…政府信息公开」 / 「申请 | 67 | 3 | …」)."""
    b = _flat_rowspans(doc.tables["B"])
    longs = [i for i, row in enumerate(b) if is_data_row(row) and len([c for c in row if c.number]) == 7
             and len(row[len(row) - 8].text) > 14]
    for i in sorted(doc.rng.sample(longs, min(2, len(longs))), reverse=True):  # later rows first: indices hold
        row = b[i]
        labels, figures = row[:-7], row[-7:]
        text = labels[-1].text
        cut = len(text) - doc.rng.randint(2, 4)
        if re.match(r"[\d（(]", text[cut:]):
            continue
        first = [*labels[:-1], replace(labels[-1], text=text[:cut])] + [TCell("") for _ in figures]
        second = [TCell("", 1, c.colspan) for c in labels[:-1]] + [replace(labels[-1], text=text[cut:]), *figures]
        b[i:i + 1] = [first, second]
    doc.tables["B"] = b
    doc.notes.append("B labels wrapped onto rows of their own")


def _zero_rows_omitted(doc: Doc) -> None:
    """A word processor's tables (WPS RTF): every all-zero row of tables A and B left out with a note
    (「（注：数据均为0的项目未列出）」), table B's labels one cell each (「（三）不予公开 6.属于四类过程性信息」), and
    table C printed as three rows (one per group) under one five-column header."""
    a: Rows = []
    for row in doc.tables["A"]:
        figures = [c for c in row if c.number]
        if not figures or any(c.text != "0" for c in figures):
            a.append(row)
    b: Rows = doc.tables["B"][:3]
    group = ""
    for row in doc.tables["B"][3:]:
        labels = [c for c in row if not c.number and c.text]
        figures = [c for c in row if c.number]
        for c in labels:
            if c.rowspan > 1 and c.text.startswith(("（", "(")):
                group = c.text
        item = labels[-1].text if labels else ""
        label = f"{group} {item}" if group and re.match(r"\d", item) else item
        if len(figures) == 7 and all(c.text == "0" for c in figures):
            continue
        b.append([TCell(label, 1, 3), *figures])
    values = [c.text for c in doc.tables["C"][-1]]
    c_rows: Rows = [[TCell("类别")] + [TCell(h) for h in C_HEADERS]]
    for g, r in enumerate(rows_of("C")):
        c_rows.append([TCell(r.label)] + _num_cells(values[g * 5:g * 5 + 5]))
    doc.tables.update({"A": a, "B": b, "C": c_rows if len(values) == 15 else doc.tables["C"]})
    blocks: list[Block] = []
    for block in doc.blocks:
        if block.kind == "table" and "B" in block.text:
            blocks.append(Block("para", "（注：数据均为0的项目未列出）"))
        blocks.append(block)
    doc.blocks = blocks
    cells = doc.source.cells
    subtotal = [k for k in cells if k[:2] == ("B", "other_subtotal")]
    if subtotal and all(cells[k] == "0" for k in subtotal):
        # （六）其他处理 printed as one row of zeros is left out: what the note says of it is its items' zeros
        items = {("B", r.id, c): "0" for r in rows_of("B") if r.group == "other" and not r.printed_only
                 for c in r.columns}
        kept = {k: v for k, v in cells.items() if k not in subtotal}
        doc.source = replace(doc.source, cells={**kept, **items})
    doc.notes.append("all-zero rows left out, table C as three rows")


TRIAL = "2019-trial"


def _trial_source(src: Source, rng: random.Random) -> Source:
    """The report in the 2019 trial template (a 2020 report): table A in its own rows and columns
    (本年新制作数量…, 上一年项目数量/本年增/减/处理决定数量, 其他对外管理服务事项, 政府集中采购), figures made from the
    2021 ones; table B's （六）其他处理 as one row (the sum of its items)."""
    cells = {k: v for k, v in src.cells.items() if k[0] != "A" and not (k[0] == "B" and k[1].startswith("other_"))}
    other = [r for r in rows_of("B") if r.group == "other" and not r.printed_only]
    if ("B", "other_subtotal", "total") in src.cells:
        cells.update({k: v for k, v in src.cells.items() if k[1] == "other_subtotal"})
    elif all(("B", r.id, "total") in src.cells for r in other):
        for c in _COLUMNS[("B", "other_subtotal")]:
            cells[("B", "other_subtotal", c)] = str(sum(int(src.cells[("B", r.id, c)]) for r in other))
    else:
        raise ValueError(f"{src.key}: （六）其他处理 cannot be printed as one row")

    def a(row_id: str, col: str, default: int) -> str:
        return src.cells.get(("A", row_id, col), str(default))

    for r in ("regulation", "normative_doc"):
        issued = a(r, "issued", rng.randint(0, 9))
        cells.update({("A", r, "made"): issued, ("A", r, "published"): issued,
                      ("A", r, "public_total"): a(r, "in_force", rng.randint(0, 40))})
    for r in ("license", "other_services", "penalty", "enforcement"):
        cells.update({("A", r, "previous_items"): str(rng.randint(0, 60)), ("A", r, "change"): str(rng.randint(0, 5)),
                      ("A", r, "decisions"): a(r, "decisions", rng.randint(0, 500))})
    cells.update({("A", "fee", "previous_items"): str(rng.randint(0, 9)), ("A", "fee", "change"): "0",
                  ("A", "procurement", "purchase_items"): str(rng.randint(1, 30)),
                  ("A", "procurement", "purchase_amount"): f"{rng.randint(10, 999)}.{rng.randint(1, 9)}"})
    raw = {k: v for k, v in src.raw_rows.items() if k[0] != "A"}
    return replace(src, cells=cells, raw_rows=raw, key=f"{src.key}-trial")


def _trial_table_a(doc: Doc) -> None:
    """Table A in the trial template's blocks, its header cells wrapped (「本年新\n制作数量」)."""
    from index.catalog import template

    trial = template(TRIAL)
    labels = {c.id: c.label for c in trial.columns["A"]}
    rows: Rows = []
    for digit, row_ids in trial.blocks.items():
        cols = list(trial.by_key[("A", row_ids[0])].columns)
        rows.append([TCell(f"第二十条第（{digit}）项", 1, 4)])
        heads = [labels[c] for c in cols]
        rows.append([TCell("信息内容")] + [TCell(h[:3] + "\n" + h[3:] if len(h) > 4 else h) for h in heads]
                    + [TCell("")] * (3 - len(cols)))
        for r in row_ids:
            rows.append([TCell(trial.by_key[("A", r)].label)] + _num_cells([doc.source.cells[("A", r, c)] for c in cols])
                        + [TCell("")] * (3 - len(cols)))
    doc.tables["A"] = rows
    doc.notes.append("table A in the 2019 trial template")


def _fused_c_header(doc: Doc) -> None:
    """Table C's three header lines fused into one line."""
    c = doc.tables["C"]
    header = "".join(cell.text for row in c[:-1] for cell in row)
    doc.tables["C"] = [[TCell(header)]] + c[-1:]
    doc.notes.append("C header fused")


# ---------------------------------------------------------------- output forms


def _pipe(cells: Sequence[str], width: int) -> str:
    cells = list(cells) + [""] * (width - len(cells))
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def pipe_table(rows: Rows) -> list[str]:
    flat = [flatten(r) for r in rows]
    width = max(len(r) for r in flat)
    lines = [_pipe(flat[0], width), "| " + " | ".join(["---"] * width) + " |"]
    return lines + [_pipe(r, width) for r in flat[1:]]


def tab_table(rows: Rows) -> list[str]:
    return ["\t".join(flatten(r)) for r in rows]


def html_table(rows: Rows, cell: Callable[[TCell], str] | None = None, attrs: str = "") -> str:
    out = [f"<table{attrs}>"]
    for row in rows:
        tds = []
        for c in row:
            span = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (
                f' colspan="{c.colspan}"' if c.colspan > 1 else "")
            tds.append(f"<td{span}>{cell(c) if cell else html.escape(c.text, quote=False)}</td>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    return "".join(out) + "</table>"


def _text_lines(doc: Doc, table_lines: Callable[[Rows], list[str]], heading: str = "",
                title_mark: str = "") -> list[str]:
    lines = list(doc.front)
    title = doc.title_text()
    if title:
        lines += [title_mark + title[0], *title[1:], ""]
    for block in doc.blocks:
        if block.kind == "table":
            for t in block.text:
                lines += table_lines(doc.tables[t]) + [""]
        elif block.kind == "heading":
            lines += [heading + block.text, ""]
        else:
            lines += [block.text, ""]
    return lines


def write_txt(doc: Doc) -> str:
    """Text as a PDF extractor leaves it, table cells tab-separated (the undamaged baseline)."""
    return "\n".join(_text_lines(doc, tab_table)) + "\n"


def write_txt_pipes(doc: Doc) -> str:
    """A text file with markdown pipe tables inside."""
    return "\n".join(_text_lines(doc, pipe_table)) + "\n"


def _page_markers(lines: list[str], rng: random.Random) -> list[str]:
    """Page markers between paragraphs every ~30 lines, and one inside table B's rows (a table broken
    across pages comes out as two tables with the marker between)."""
    style = rng.choice(("comment", "rule"))
    out: list[str] = []
    page, since = 1, 0
    for i, ln in enumerate(lines):
        out.append(ln)
        since += 1
        gap = ln == "" and (i + 1 >= len(lines) or not lines[i + 1].startswith("|"))
        if since > 30 and gap:
            page += 1
            out += [f"<!-- page {page} -->" if style == "comment" else "---", ""]
            since = 0
    return out


def _break_table_b(rows: Rows, rng: random.Random) -> tuple[Rows, Rows]:
    data = _data_indices(rows)
    cut = data[len(data) // 2 + rng.randint(-3, 3)]
    return rows[:cut], rows[cut:]


def _markdown_lines(doc: Doc, table: Callable[[Rows], list[str]]) -> list[str]:
    rng = doc.rng
    marker = rng.random() < 0.6

    def table_lines(rows: Rows) -> list[str]:
        if marker and rows is doc.tables["B"] and len(_data_indices(rows)) > 8:
            head, tail = _break_table_b(rows, rng)
            page = rng.randint(3, 5)
            return table(head) + ["", f"<!-- page {page} -->", ""] + table(tail)
        return table(rows)

    lines = _text_lines(doc, table_lines, heading="## ", title_mark="# ")
    return _page_markers(lines, rng)


def write_markdown(doc: Doc) -> str:
    """PDF→markdown converter output: `#` headings, pipe tables, page markers."""
    return "\n".join(_markdown_lines(doc, pipe_table)) + "\n"


def write_markdown_html(doc: Doc) -> str:
    """Markdown whose tables are HTML `<table>` blocks with row/column spans, one line each (MinerU)."""
    return "\n".join(_markdown_lines(doc, lambda rows: [html_table(rows)])) + "\n"


def _portal_cell(rng: random.Random) -> Callable[[TCell], str]:
    def cell(c: TCell) -> str:
        if c.number:
            if c.text == "0":  # a blank cell where the value is 0
                return rng.choice(("", "&nbsp;", " "))
            return html.escape(c.text)
        text = html.escape(c.text, quote=False)
        if len(c.text) > 12 and "（" in c.text[2:]:
            k = c.text.index("（", 2)
            text = html.escape(c.text[:k], quote=False) + "<br>" + html.escape(c.text[k:], quote=False)
        elif re.match(r"\d[.．、]", c.text):
            text = html.escape(c.text[:2], quote=False) + "&nbsp;" + html.escape(c.text[2:], quote=False)
        elif rng.random() < 0.2:
            text = "&nbsp;&nbsp;" + text
        return text

    return cell


def write_portal_html(doc: Doc) -> str:
    """A portal page: navigation, breadcrumb, 发布时间/来源/字号/打印, the article inside a layout table,
    each report table nested inside a layout table, <br> and &nbsp; in labels, blank cells for 0."""
    rng, src = doc.rng, doc.source
    cell = _portal_cell(rng)
    site = f"{src.body}人民政府门户网站" if src.kind in _OFFICE_KINDS else f"{src.body}网站"
    meta = (f"<div class=\"info\">发布时间：{src.year + 1}-01-{rng.randint(10, 31)}&nbsp;&nbsp;来源：{html.escape(site)}"
            f"&nbsp;&nbsp;字号：<a>大</a> <a>中</a> <a>小</a>&nbsp;&nbsp;<a>打印</a>&nbsp;<a>关闭</a></div>")
    title = "<br>".join(html.escape(t) for t in doc.title_text())
    title_html = f'<h2 class="title">{title}</h2>' if title else ""
    body: list[str] = [f"<p>{html.escape(ln)}</p>" for ln in doc.front]
    title_inside = rng.random() < 0.5
    if title_inside:
        body += [title_html, meta]
    for block in doc.blocks:
        if block.kind == "table":
            for t in block.text:
                inner = html_table(doc.tables[t], cell, ' border="1" cellspacing="0" style="width:100%"')
                body.append(f'<table width="100%" class="layout"><tr><td align="center">{inner}</td></tr></table>')
        elif block.kind == "heading":
            body.append(f"<p><strong>{html.escape(block.text)}</strong></p>")
        else:
            body.append(f'<p style="text-indent:2em">{html.escape(block.text)}</p>')
    nav = ("<div class=\"nav\"><a>首页</a> | <a>政务公开</a> | <a>政务服务</a> | <a>互动交流</a> | "
           "<a>走进本地</a></div>")
    parts = ["<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\">",
             f"<title>{html.escape(' '.join(doc.title_text()) or site)}</title>", "</head><body>",
             f'<div class="top">{html.escape(site)}</div>', nav,
             '<table width="1000" align="center" class="layout"><tr><td>',
             '<div class="crumb">当前位置：<a>首页</a> &gt; <a>政务公开</a> &gt; <a>政府信息公开年报</a></div>',
             "</td></tr>"]
    if not title_inside:
        parts += ["</table>", title_html, meta, '<table width="1000" align="center" class="layout">']
    parts += ["<tr><td class=\"article\">", *body, "</td></tr></table>",
              "<div class=\"share\">分享到：<a>微信</a> <a>微博</a> <a>QQ空间</a></div>",
              "<div class=\"footer\">主办单位：" + html.escape(site) + " 网站标识码：3213000001</div>",
              "</body></html>"]
    return "\n".join(parts) + "\n"


def _spread(rows: Rows) -> list[list[TCell]]:
    """Rows of cells as a grid, a spanned label repeated in every slot it covers (a CSV export's habit),
    a spanned figure in its first slot only."""
    grid: dict[tuple[int, int], TCell] = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in grid:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    grid[(r + dr, c + dc)] = cell if not (cell.number and dr + dc) else TCell("")
            c += cell.colspan
    width = max((c for _, c in grid), default=-1) + 1
    return [[grid.get((r, c), TCell("")) for c in range(width)] for r in range(len(rows))]


def _entities(text: str) -> str:
    """Every CJK character as a numeric character reference (「&#x5929;」), the rest escaped."""
    return "".join(f"&#x{ord(ch):x};" if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"
                   else html.escape(ch, quote=False) for ch in text)


_ATTACHMENT_TITLES = {"A": "主动公开政府信息情况", "B": "收到和处理政府信息公开申请情况",
                      "C": "政府信息公开行政复议、行政诉讼情况"}


def write_portal_csv(doc: Doc) -> str:
    """A portal page whose every CJK character is a numeric entity, its sections 二–四 saying 「详见附件N」
    and the tables only as CSV text in <pre> blocks of 附件 sections after the prose, figures of four
    digits or more printed with thousands separators (quoted: "266,171")."""
    import csv
    import io

    rng, src = doc.rng, doc.source
    body: list[str] = [f"<p>{_entities(ln)}</p>" for ln in doc.front]
    body += [f"<h1>{_entities(t)}</h1>" for t in doc.title_text()]
    body.append(f"<div>{_entities('发布时间：')}{src.year + 1}-01-2{rng.randint(0, 9)}</div>")
    attachments: list[tuple[str, str]] = []
    for block in doc.blocks:
        if block.kind == "table":
            for t in block.text:
                n = len(attachments) + 1
                attachments.append((t, f"附件{n}：{_ATTACHMENT_TITLES[t]}"))
                body.append(f"<p>{_entities(f'详见附件{n}。')}</p>")
        elif block.kind == "heading":
            body.append(f"<h3>{_entities(block.text)}</h3>")
        else:
            body.append(f"<p>{_entities(block.text)}</p>")
    for t, caption in attachments:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for row in _spread(doc.tables[t]):
            writer.writerow([f"{int(c.text):,}" if c.number and c.text.isdigit() and len(c.text) > 3 else c.text
                             for c in row])
        body += [f"<h3>{_entities(caption)}</h3>", f"<pre>{_entities(out.getvalue())}</pre>"]
    crumb = _entities("首页 > 政务公开 > 政府信息公开年报")
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n"
            f'<div class="crumb">{crumb}</div>\n' + "\n".join(body) + "\n</body></html>\n")


_XLSX_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_XLSX_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XLSX_WIDTH = 15  # table C's fifteen columns: the widest row of the sheet


def _xlsx_ref(col: int, row: int) -> str:
    letters, n = "", col + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return f"{letters}{row + 1}"


def _sheet_grid(doc: Doc) -> tuple[dict[tuple[int, int], str], list[str]]:
    """The whole report on one sheet: the title over merged cells, a paragraph per row, each table's
    cells placed as HTML spans place them (merged ranges for spans), a 0 of a table left blank, a blank
    row after each table."""
    cells: dict[tuple[int, int], str] = {}
    merges: list[str] = []
    r = 0
    for line in doc.title_text():
        cells[(r, 0)] = line
        merges.append(f"{_xlsx_ref(0, r)}:{_xlsx_ref(9, r)}")
        r += 1
    for block in doc.blocks:
        if block.kind != "table":
            cells[(r, 0)] = block.text
            r += 1
            continue
        for t in block.text:
            taken: set[tuple[int, int]] = set()
            for row in doc.tables[t]:
                c = 0
                for cell in row:
                    while (r, c) in taken:
                        c += 1
                    if cell.text and not (cell.number and cell.text == "0"):
                        cells[(r, c)] = cell.text
                    if cell.rowspan > 1 or cell.colspan > 1:
                        merges.append(f"{_xlsx_ref(c, r)}:{_xlsx_ref(c + cell.colspan - 1, r + cell.rowspan - 1)}")
                    taken |= {(r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan)}
                    c += cell.colspan
                r += 1
            r += 1  # a blank row between the tables
    return cells, merges


def write_xlsx_sheet(doc: Doc) -> str:
    """The worksheet XML of a workbook holding the whole report on one sheet (see _sheet_grid)."""
    cells, merges = _sheet_grid(doc)
    rows: dict[int, list[str]] = {}
    for (r, c), value in sorted(cells.items()):
        ref = _xlsx_ref(c, r)
        if re.fullmatch(r"\d+(?:\.\d+)?", value):  # a number as a spreadsheet stores it
            rows.setdefault(r, []).append(f'<c r="{ref}"><v>{value}</v></c>')
        else:
            text = html.escape(value, quote=False)
            rows.setdefault(r, []).append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
    body = "".join(f'<row r="{r + 1}">{"".join(cs)}</row>' for r, cs in sorted(rows.items()))
    merged = "".join(f'<mergeCell ref="{m}"/>' for m in merges)
    return (f'<worksheet xmlns="{_XLSX_MAIN}"><sheetData>{body}</sheetData>'
            f'<mergeCells count="{len(merges)}">{merged}</mergeCells></worksheet>\n')


def pack_xlsx(sheet: str) -> bytes:
    """A workbook of one sheet around its worksheet XML."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                    'openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="'
                    'application/xml"/></Types>')
        zf.writestr("xl/workbook.xml", f'<workbook xmlns="{_XLSX_MAIN}" xmlns:r="{_XLSX_REL}"><sheets><sheet '
                    'name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/'
                    f'package/2006/relationships"><Relationship Id="rId1" Type="{_XLSX_REL}/worksheet" '
                    'Target="worksheets/sheet1.xml"/></Relationships>')
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    return buf.getvalue()


@dataclass(frozen=True)
class Form:
    suffix: str
    write: Callable[[Doc], str]  # the file's text (a workbook: its worksheet XML)
    pack: Callable[[str], bytes] | None = None  # the file's bytes from that text, when it is no text file


FORMS: dict[str, Form] = {
    "txt": Form(".txt", write_txt),
    "txt_pipes": Form(".txt", write_txt_pipes),
    "markdown": Form(".md", write_markdown),
    "markdown_html": Form(".md", write_markdown_html),
    "portal_html": Form(".html", write_portal_html),
    "xlsx_one_sheet": Form(".xlsx", write_xlsx_sheet, pack_xlsx),
    "portal_csv": Form(".html", write_portal_csv),
}

# ---------------------------------------------------------------- the registry


@dataclass(frozen=True)
class DamageClass:
    name: str
    what: str
    form: str | None = None  # the output form this class is
    alone_form: str = "txt"  # the form it is rendered in when no other class sets one
    source: Callable[[Source, random.Random], Source] | None = None  # edits what the report says
    edit: Callable[[Doc], None] | None = None  # edits the title, front matter or tables


# Order matters when classes compose: the body first, then the title, then the tables, then the form.
CLASSES: dict[str, DamageClass] = {c.name: c for c in (
    DamageClass("department", "bodies that are departments (某某县发展和改革局); questions use 「某某县发改局」",
                source=_department_source),
    DamageClass("lookalike_name", "one character of the body name in the title swapped for a look-alike",
                edit=_lookalike_title),
    DamageClass("wrapped_title", "title over two lines, 「2024 年」, year or body first, with or without 工作, "
                "after front matter", edit=_wrapped_title),
    DamageClass("late_title", "no title: the first paragraph names the body, the file name holds the year",
                edit=_late_title),
    DamageClass("self_named", "the body only in the file name: a body-less title, 「本报告由本局办公室…编制」, "
                "the prose saying 本局/本机关", edit=_self_named),
    DamageClass("reordered_b_columns", "table B's column groups in another order (总计 first, or 法人或其他组织 "
                "before 自然人), said only by its header", alone_form="markdown_html", edit=_reordered_b_columns),
    DamageClass("label_figure_separation", "a run of labels, then their figure lines; a label, then its "
                "figures two lines later", edit=_label_figure_separation),
    DamageClass("stacked_rows", "one figure per line below the row label", edit=_stacked_rows),
    DamageClass("generic_headers", "`| 申请人情况 | 数据1 | … | 总计 |`, or one block carrying another's header",
                alone_form="txt_pipes", edit=_generic_headers),
    DamageClass("detached_multiline_cell", "a multi-line cell printed as its own line",
                edit=_detached_multiline_cell),
    DamageClass("leader_lines", "every cell a 「行·列……数」 dotted-leader line; table B's columns maybe 法人或其他组织 "
                "first", edit=_leader_lines),
    DamageClass("dash_zeros", "a grid-less PDF's text: rows as spaced lines, B/C headers fused, zeros as —, / or －",
                edit=_dash_zeros),
    DamageClass("trial_template", "a report in the 2019 trial template, told only by its table A's own column "
                "names (wrapped in their cells)", alone_form="markdown_html", source=_trial_source,
                edit=_trial_table_a),
    DamageClass("ocr_text", "OCR of a scan: full-width figures, look-alike slips in labels, labels broken "
                "mid-word, a bracketed page mark in table B, table C's header fused", edit=_ocr_text),
    DamageClass("wrapped_label_row", "a long table B label wrapped onto a grid row of its own, the figures on "
                "the second row", alone_form="markdown", edit=_wrapped_label_row),
    DamageClass("zero_rows_omitted", "all-zero rows of tables A and B left out with a note saying so; table C "
                "as three rows under one header", edit=_zero_rows_omitted),
    DamageClass("fused_c_header", "table C's header fused into one line", edit=_fused_c_header),
    DamageClass("markdown", "PDF→markdown converter output: # headings, pipe tables, page markers",
                form="markdown"),
    DamageClass("markdown_html_tables", "markdown with HTML <table> blocks (MinerU)", form="markdown_html"),
    DamageClass("portal_html", "portal page: navigation, layout tables around nested report tables, "
                "<br>/&nbsp; in labels, blank cells for 0", form="portal_html"),
    DamageClass("xlsx_one_sheet", "a workbook of one sheet: the title over merged cells, the prose a row each, "
                "the three tables with merged label cells and zeros left blank", form="xlsx_one_sheet"),
    DamageClass("csv_attachments", "portal page in numeric entities, the tables only as CSV text in <pre> "
                "attachments after the prose (quoted figures with thousands separators)", form="portal_csv"),
    DamageClass("text_with_pipe_tables", "text with markdown pipe tables inside", form="txt_pipes"),
)}
DAMAGE_CLASSES = tuple(CLASSES)


def parse_spec(spec: str | Sequence[str]) -> list[DamageClass]:
    """「markdown+generic_headers」 (or a list of names) → the classes, in the registry's order."""
    names = spec.split("+") if isinstance(spec, str) else list(spec)
    names = [n for n in names if n and n != "none"]
    unknown = [n for n in names if n not in CLASSES]
    if unknown:
        raise ValueError(f"unknown damage class {', '.join(unknown)}; one of {', '.join(CLASSES)}")
    forms = [CLASSES[n].form for n in names if CLASSES[n].form]
    if len(forms) > 1:
        raise ValueError(f"{' and '.join(names)}: more than one output form ({', '.join(forms)})")
    return [c for name, c in CLASSES.items() if name in names]


def form_of(classes: Sequence[DamageClass]) -> str:
    forms = [c.form for c in classes if c.form]
    if forms:
        return forms[0]
    return classes[0].alone_form if classes else "txt"


@dataclass
class Rendered:
    path: Path
    source: Source  # after the class's edits of what the report says (gold body, spoken names)
    spec: str
    notes: list[str]

    @property
    def accepted_bodies(self) -> set[str]:
        return {self.source.body, *self.source.accepted}


def prepare(source: Source, spec: str | Sequence[str], seed: int = 0) -> Doc:
    """The document of `source` with the damage of `spec` applied, ready for its form's writer."""
    classes = parse_spec(spec)
    label = "+".join(c.name for c in classes) or "none"
    rng = random.Random(f"damage|{label}|{seed}|{source.key}")
    for c in classes:
        if c.source:
            source = c.source(source, rng)
    form = FORMS[form_of(classes)]
    style = _style(rng)
    doc = Doc(source, rng, style, source.printed_name, list(source.blocks),
              {"A": table_a(source), "B": table_b(source, style), "C": table_c(source)},
              file_name=f"{source.key}{form.suffix}")
    for c in classes:
        if c.edit:
            c.edit(doc)
    return doc


def render_text(source: Source, spec: str | Sequence[str], seed: int = 0) -> tuple[str, Doc]:
    """The damaged file's text and the document it was written from (deterministic in its inputs)."""
    doc = prepare(source, spec, seed)
    return FORMS[form_of(parse_spec(spec))].write(doc), doc


def render(source: Source, spec: str | Sequence[str], out_dir: Path | str, seed: int = 0) -> Rendered:
    """Write `source` damaged by `spec` under out_dir; the file name is the source's key (late_title: a
    folder of its own and a file name holding only the year)."""
    text, doc = render_text(source, spec, seed)
    path = Path(out_dir) / doc.file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    pack = FORMS[form_of(parse_spec(spec))].pack
    if pack:
        path.write_bytes(pack(text))
    else:
        path.write_text(text, encoding="utf-8")
    label = "+".join(c.name for c in parse_spec(spec)) or "none"
    return Rendered(path, doc.source, label, doc.notes)


def bodies_for(spec: str | Sequence[str], n: int, seed: int, exclude: Sequence[str] = ()
               ) -> list[tuple[str, tuple[str, ...]]]:
    """`n` synthetic bodies (name, names the questions use) that fit the classes of `spec`: departments
    for 「department」, names with a look-alike character for 「lookalike_name」; none of them collides
    with a body in `exclude`."""
    names = {c.name for c in parse_spec(spec)}
    if "department" in names:
        return [(full, (short,)) for full, short in department_bodies(n, seed, exclude)]
    taken = set().union(*(synth.short_forms(b) for b in exclude)) if exclude else set()
    pool = [b for b in synth.distinct_bodies(seed) if not synth.short_forms(b) & taken]
    if "lookalike_name" in names:  # mostly a slip in the place name (沭阳→沐阳), now and then in 市/县 (巿, 具)
        inner = [b for b in pool if any(ch in LOOKALIKES and ch not in _SUFFIX_CHARS for ch in b)]
        suffix = [b for b in pool if b not in inner and lookalike(b, random.Random(0)) is not None]
        pool = [b for i in range(max(len(inner), len(suffix)))
                for b in (inner[i * 3:i * 3 + 3] + suffix[i:i + 1])]
    if len(pool) < n:
        raise ValueError(f"only {len(pool)} bodies fit {'+'.join(sorted(names))}, {n} asked")
    return [(b, ()) for b in pool[:n]]


def can_apply(source: Source, spec: str | Sequence[str]) -> bool:
    """lookalike_name needs a character with a look-alike in the printed name."""
    names = {c.name for c in parse_spec(spec)}
    return "lookalike_name" not in names or (
        lookalike(source.body, random.Random(0)) is not None and source.body in source.printed_name)
