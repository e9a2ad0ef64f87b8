"""A loaded file → a parsed report: identity, table cells, checks, prose chunks. Pure, except for
`parse_file`, which reads a file in a child process bounded in time and memory (index/limits.py)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from index.catalog import DEFAULT_VERSION, detect_version, rows_of, template
from index.checks import CheckFailure, run_checks
from index.chunk import Chunk, chunk_section, clean_prose
from index.identify import SECTION_TITLES, Identity, identify, split_sections, squeeze
from index.limits import BoundedError, ChildReport, InputLimits, over_limit, run_bounded
from index.load import LoadedFile, ReportError, cite_pdf_pages, load_file
from index.markup import IMAGE_MARK, TABLE_MARK, lift_csv_tables
from index.tables import (
    TableParse,
    Unresolved,
    classify_grid,
    confirm_by_prose,
    grid_lines,
    joined_halves,
    omitted_zero_rows,
    parse_table_a,
    parse_table_b,
    parse_table_c,
    turned_upright,
)

PROSE_SECTIONS = (0, 1, 5, 6)
_TABLE_SECTION = {"A": 2, "B": 3, "C": 4}
_PARSERS = {"A": parse_table_a, "B": parse_table_b, "C": parse_table_c}


@dataclass
class ParsedReport:
    identity: Identity
    file: str
    fmt: str
    tables: TableParse
    checks: list[CheckFailure]
    chunks: list[Chunk]
    sections_found: list[int]
    warnings: list[str] = field(default_factory=list)
    text: str = ""


def parse_file(path: Path | str, limits: InputLimits | None = None, chunk_chars: int = 220, chunk_overlap: int = 60,
               measured: ChildReport | None = None) -> ParsedReport:
    """Load and parse one report file within `limits`: in a child process (unless `parse_isolated`
    is off) that is abandoned after `parse_seconds` and may add `parse_memory_mb` of memory. Every
    failure is a ReportError naming the file."""
    path = Path(path)
    limits = limits or InputLimits()
    work = partial(_load_and_parse, path, limits, chunk_chars, chunk_overlap)
    try:
        return run_bounded(work, limits, (ReportError,), measured)
    except BoundedError as exc:
        raise ReportError(path, exc.problem) from None


def _load_and_parse(path: Path, limits: InputLimits, chunk_chars: int, chunk_overlap: int) -> ParsedReport:
    return parse_loaded(load_file(path, limits=limits), chunk_chars, chunk_overlap, limits)


# characters only traditional Chinese writes (報告, 開, 區, 縣…), frequent in these reports: a page saved
# after a portal's 繁體 button, or a Hong Kong/Macao/Taiwan re-publication
_TRADITIONAL_ONLY = frozenset("報開處區縣請關務機與為們個國會來這時說對發後經體門問題業資訊複議訴訟結轉辦據數範")
_TRADITIONAL_MIN = 20  # in the first 5,000 characters


def simplified(loaded: LoadedFile) -> tuple[LoadedFile, bool]:
    """The report in simplified characters when it is written in traditional ones (OpenCC's t2s table,
    which also undoes a converter's over-conversion: 西鹹新區 → 西咸新区); figures are untouched."""
    if sum(ch in _TRADITIONAL_ONLY for ch in loaded.text[:5000]) < _TRADITIONAL_MIN:
        return loaded, False
    from index.tokenize import to_simplified

    grids = [[[None if c is None else to_simplified(c) for c in row] for row in grid] for grid in loaded.grids]
    return replace(loaded, text=to_simplified(loaded.text), grids=grids), True


def parse_loaded(loaded: LoadedFile, chunk_chars: int = 220, chunk_overlap: int = 60,
                 limits: InputLimits | None = None) -> ParsedReport:
    loaded, converted = simplified(loaded)
    loaded = _with_csv_tables(loaded)
    identity = identify(loaded.text, loaded.path.name)
    if identity is None:
        raise ReportError(
            loaded.path, "不是政府信息公开工作年度报告：开头找不到「<机关>YYYY年政府信息公开工作年度报告」标题，"
            "首段没有「本报告由…编制」及统计年度，文件名也不含机关和年份"
        )
    if loaded.grids:  # the template is told by the tables' own column names, printed in the grids
        version = detect_version(squeeze(loaded.text + "".join(c for g in loaded.grids for r in g for c in r if c)))
        if version != identity.template:
            identity = replace(identity, template=version)
    text = loaded.text
    sections = split_sections(text)
    found = [s.number for s in sections if s.number]
    section_text = {s.number: text[s.start : s.end] for s in sections}
    section_start = {s.number: s.start for s in sections}
    warnings: list[str] = []
    version = identity.template
    if version != DEFAULT_VERSION:
        warnings.append(f"旧版模板（{template(version).name}）：表格按该版模板的行和栏目读取")
    if converted:
        warnings.append("原文为繁体字：已转为简体字读取（数字不变）")

    grids_by_table: dict[str, list[str]] = {}
    for n, grid in joined_halves(loaded.grids):
        kind = _table_at(text, sections, n) or classify_grid(grid)
        if kind:
            upright = turned_upright(grid) if kind == "B" else grid
            grids_by_table.setdefault(kind, []).append(grid_lines(upright, kind, version))

    tables = TableParse()
    for table, parser in _PARSERS.items():
        number = _TABLE_SECTION[table]
        offset = text.count("\n", 0, section_start[number]) if number in section_start else 0
        from_text = parser(section_text.get(number, ""), line_offset=offset, version=version)
        best = from_text
        if table in grids_by_table:
            from_grid = parser("\n".join(grids_by_table[table]), source=_grid_source(loaded, table), version=version)
            if len(from_grid.cells) >= len(from_text.cells):
                best = from_grid
        if not best.cells and not best.unresolved and IMAGE_MARK in section_text.get(number, ""):
            best = _image_only(table, version)
            warnings.append(f"「{SECTION_TITLES[number]}」的表格在原文中只是一张图片，没有可读的表格文字")
        tables.extend(best)

    # a fused row the arithmetic cannot split may be split by the figures the prose states for it
    prose = "\n".join(section_text.get(n, "") for n in PROSE_SECTIONS)
    for u in list(tables.unresolved):
        cells = confirm_by_prose(u, prose, version)
        if cells:
            tables.unresolved.remove(u)
            tables.cells += cells

    # 「数据均为0的项目未列出」: the rows the report leaves out are 0 (said in their provenance)
    tables.cells += omitted_zero_rows(tables, text, version)

    if loaded.fmt == "pdf":  # a row read from the text cites its page, not a line of the extracted text
        tables.cells = cite_pdf_pages(tables.cells, text)

    most = (limits or InputLimits()).max_chunks
    too_long = ReportError(loaded.path, over_limit("正文过长：切分出的文本块", "", f"{most:,} 个", "max_chunks"))
    chunks: list[Chunk] = []
    printed = 0  # characters of prose other than spaces: no chunk holds more than chunk_chars of them
    for number in PROSE_SECTIONS:
        if number not in section_text:
            continue
        prose = clean_prose(section_text[number])
        printed += len(prose) - sum(prose.count(ch) for ch in " \n\t")
        if printed > 2 * (most + 1) * chunk_chars:
            raise too_long  # known before a sentence is cut (a chunk holds chunk_chars, a long word more)
        title = SECTION_TITLES.get(number, "前言")
        chunks += chunk_section(prose, number, title, chunk_chars, chunk_overlap, first=len(chunks),
                                most=most - len(chunks))
        if len(chunks) > most:
            raise too_long
    if not tables.cells and not chunks:
        raise ReportError(loaded.path, "找到了标题，但没有可识别的表格或正文")
    if not tables.cells and not tables.unresolved and not found:
        # a name like a report's (南京市2024年政府信息公开工作年度报告.txt) over text with none of the template's
        # six parts and none of its tables is no report: nothing of it could be answered
        raise ReportError(loaded.path, "不是政府信息公开工作年度报告：文件名或标题像年报，但正文没有模板的任何部分"
                                       "（一、总体情况…六、其他需要报告的事项）也没有任何一张表格")
    if not tables.cells:
        warnings.append("未识别出任何表格数据")
    return ParsedReport(identity, loaded.path.name, loaded.fmt, tables, run_checks(tables.cells, version), chunks, found,
                        warnings, text)


def _with_csv_tables(loaded: LoadedFile) -> LoadedFile:
    """Tables printed as CSV text inside the report (a portal's <pre> attachments) lifted as grids."""
    if "," not in loaded.text:
        return loaded
    text, grids = lift_csv_tables(loaded.text, first=len(loaded.grids))
    if not grids:
        return loaded
    return replace(loaded, text=text, grids=[*loaded.grids, *grids])


_TABLE_OF_SECTION = {number: table for table, number in _TABLE_SECTION.items()}


def _table_at(text: str, sections: list, n: int) -> str | None:  # type: ignore[type-arg]
    """Which template table grid n is, by the section its mark stands in (tables lifted from
    markdown or portal HTML leave a mark): A, B or C, or None when it is elsewhere or unmarked."""
    at = text.find(TABLE_MARK.format(n))
    if at < 0:
        return None
    number = next((s.number for s in sections if s.start <= at < s.end), 0)
    return _TABLE_OF_SECTION.get(number)


def _image_only(table: str, version: str) -> TableParse:
    """A table published only as a picture: every row unresolved, saying so (answers fall back to prose)."""
    reason = "该表在原文中只是一张图片，没有可读的表格文字"
    return TableParse(unresolved=[Unresolved(table, r.id, IMAGE_MARK, reason) for r in rows_of(table, version)
                                  if not r.printed_only])


def _grid_source(loaded: LoadedFile, table: str) -> str:
    if loaded.fmt == "pdf" and loaded.pages:
        pages = [i + 1 for i, p in enumerate(loaded.pages) if _table_on_page(p, table)]
        if pages:
            return "PDF第" + "、".join(map(str, pages)) + "页表格"
    return f"{loaded.fmt.upper()}表格"


def _table_on_page(page_text: str, table: str) -> bool:
    flat = "".join(page_text.split())
    keys = {"A": ("第二十条",), "B": ("本年新收", "予以公开", "不予处理", "结转下年度"), "C": ("复议后起诉",)}
    return any(k in flat for k in keys[table])
