"""Stage 1b — tables and markup inside text: markdown from PDF converters (pipe tables, `#` headings,
page markers, HTML `<table>` blocks as MinerU writes them) and text files with markdown tables inside.

The tables are lifted out as grids (the same form native PDF/HTML/DOCX tables take), so every table
goes through one grid reader; the text keeps the prose. Pure except for the HTML-table adapter, which
imports lxml when a `<table>` is present."""

from __future__ import annotations

import re
from collections.abc import Callable

# A grid cell: the printed text, "" for an empty cell, None for the slot a spanned cell repeats into.
GridCell = str | None
Grid = list[list[GridCell]]

_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_TABLE_OPEN = re.compile(r"<table\b", re.I)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.I)
_TAG_BR = re.compile(r"<br\s*/?>", re.I)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
# converter page markers: `<!-- page 3 -->`, marker's `{3}-----`, `[page 3]`, `Page 3 of 9`, bare rules
_PAGE_MARKER = re.compile(
    r"^\s*(?:<!--.*?-->|\{\d+\}-{3,}|\[?\s*(?:page|第)\s*\d+\s*(?:页|of\s*\d+)?\s*\]?|-{3,}|\*{3,}|_{3,})\s*$", re.I)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
# an emphasised span is a few words: bounded, so that a line of unclosed `**` costs linear time
_EMPHASIS = re.compile(r"(\*\*|__)(.{1,200}?)\1")
# page markers, pipe-table rows and rules are short lines; a longer line is prose (and the patterns
# above, tried on a line of a million spaces, would take quadratic time)
_MARKUP_LINE_CHARS = 5000
# an image stays in the text as this mark, so that a table printed only as a picture can be told apart
# from a table that is missing
IMAGE_MARK = "［图片］"
# where a table was lifted out of the text: 「［表格3］」 names grid 3, so that its section tells which
# template table it is even when its header words do not (generic headers, a split table's second half)
TABLE_MARK = "［表格{}］"
TABLE_MARK_RE = re.compile(r"［表格(\d+)］")


class TooManyCells(Exception):
    """The tables of one file hold more cells (spans expanded) than the limit allows."""

    def __init__(self, cells: int, limit: int) -> None:
        super().__init__(f"{cells} > {limit}")
        self.cells = cells
        self.limit = limit


class CellBudget:
    """How many table cells one file may still produce, spanned slots included: a grid is counted
    before it is built, so a 254-byte `rowspan="100000" colspan="100000"` never fills memory."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def take(self, cells: int) -> None:
        self.used += cells
        if self.used > self.limit:
            raise TooManyCells(self.used, self.limit)


def _cell_text(raw: str) -> str:
    """A markdown cell as printed: `<br>` joins the wrapped label, tags, emphasis and &nbsp; go."""
    text = _TAG_BR.sub("", raw)
    text = _TAG.sub("", text).replace("&nbsp;", " ").replace("\xa0", " ")
    text = _EMPHASIS.sub(r"\2", text)
    return re.sub(r"\s+", " ", text).strip()


def _split_pipe_row(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") else body
    return [_cell_text(c) for c in re.split(r"(?<!\\)\|", body)]


def _is_pipe_row(line: str) -> bool:
    return len(line) <= _MARKUP_LINE_CHARS and bool(_PIPE_ROW.match(line))


def _is_pipe_rule(line: str) -> bool:
    return len(line) <= _MARKUP_LINE_CHARS and bool(_PIPE_RULE.match(line))


def lift_pipe_tables(text: str, first: int = 0, budget: CellBudget | None = None) -> tuple[str, list[Grid]]:
    """Markdown pipe tables (two or more `| … |` lines) as grids, numbered from `first`; their lines
    leave the text, a table mark takes the first one's place and blank lines the rest (so that line
    counts and paragraph breaks hold). Each table's cells are taken from `budget`."""
    lines = text.split("\n")

    def table_at(i: int) -> tuple[int, list[list[str]] | None]:
        j = i
        while j < len(lines) and (_is_pipe_row(lines[j]) or (j > i and _is_pipe_rule(lines[j]))):
            j += 1
        rows = [list(_split_pipe_row(ln)) for ln in lines[i:j] if not _is_pipe_rule(ln)]
        return j, rows if j - i >= 2 else None

    return _lift_runs(lines, table_at, first, budget)


def _lift_runs(lines: list[str], table_at: Callable[[int], tuple[int, list[list[str]] | None]], first: int,
               budget: CellBudget | None) -> tuple[str, list[Grid]]:
    """The text with each run of lines that `table_at(i)` reads as a table (→ its end and rows, or no rows)
    replaced by a table mark and blank lines, and those tables as grids numbered from `first`."""
    grids: list[Grid] = []
    out: list[str] = []
    i = 0
    while i < len(lines):
        j, rows = table_at(i)
        if rows is None:
            out.append(lines[i])
            i += 1
            continue
        if budget is not None:
            budget.take(sum(len(r) for r in rows))
        out += [TABLE_MARK.format(first + len(grids))] + [""] * (j - i - 1)
        grids.append(rows)
        i = j
    return "\n".join(out), grids


_CSV_FIELD_MAX = 60  # a table cell; a sentence's pieces between ASCII commas run longer
_CSV_NUMBER = re.compile(r"[-−－]?\d[\d,]*(?:\.\d+)?")


# a line that heads the next table (附件2：…, 表三, 三、…) ends a CSV table rather than bridging two records
_CSV_CAPTION = re.compile(r"^(?:附件|附表|表\s*[一二三四五六\d]|[一二三四五六七八九十]+\s*、)")


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def _csv_fields(line: str) -> list[str] | None:
    """A line's fields when it reads as a CSV record of two or more short fields, else None."""
    import csv

    if "," not in line:
        return None
    # commas that only group a figure's digits (行政处罚 3,985,758 in a PDF's text) make no CSV record
    unquoted = _THOUSANDS.sub("", re.sub(r'"[^"]*"', "", line))
    if "," not in unquoted:
        return None
    try:
        fields = next(csv.reader([line.strip()]))
    except (csv.Error, StopIteration):
        return None
    if len(fields) < 2 or any(len(f) > _CSV_FIELD_MAX for f in fields):
        return None
    return [f.strip() for f in fields]


def lift_csv_tables(text: str, first: int = 0, budget: CellBudget | None = None) -> tuple[str, list[Grid]]:
    """Tables printed as CSV text (a portal's <pre> attachment: `行政许可,"266,171"`) as grids, numbered
    from `first`, their lines replaced by a table mark and blank lines. A table is a run of two or more
    CSV records, two holding a figure or one holding five (table C's line); a line without commas between
    two records (「第二十条第（五）项」) is a row of one cell, a caption (附件2：…) ends the table."""
    lines = text.split("\n")
    fields = [_csv_fields(ln) for ln in lines]

    def table_at(i: int) -> tuple[int, list[list[str]] | None]:
        j = i
        while j < len(lines) and (fields[j] is not None or (
                j > i and lines[j].strip() and not _CSV_CAPTION.match(lines[j].strip())
                and j + 1 < len(lines) and fields[j + 1] is not None)):
            j += 1
        records = [list(fields[k] or [lines[k].strip()]) for k in range(i, j)]
        figures = [sum(1 for f in r if _CSV_NUMBER.fullmatch(f)) for r in records]
        table = j - i >= 2 and (sum(1 for n in figures if n) >= 2 or max(figures, default=0) >= 5)
        return j, records if table else None

    return _lift_runs(lines, table_at, first, budget)


def lift_html_tables(text: str, expand: Callable[[str], list[Grid]], first: int = 0) -> tuple[str, list[Grid]]:
    """`<table>` blocks inside markdown or text, read by `expand` (the HTML adapter); replaced by
    their table marks and blank lines. Linear: each block runs to the first `</table>` after it, and
    the search stops where no `</table>` follows."""
    grids: list[Grid] = []
    out: list[str] = []
    pos = 0
    while (opened := _TABLE_OPEN.search(text, pos)) and (closed := _TABLE_CLOSE.search(text, opened.end())):
        block = text[opened.start() : closed.end()]
        found = expand(block)
        marks = "".join(TABLE_MARK.format(first + len(grids) + k) for k in range(len(found)))
        grids.extend(found)
        out += [text[pos : opened.start()], "\n" + marks + "\n" * max(1, block.count("\n"))]
        pos = closed.end()
    out.append(text[pos:])
    return "".join(out), grids


def clean_markdown(text: str) -> str:
    """Markdown syntax off the prose: heading marks, emphasis, images, page markers, quotes, list
    bullets, stray tags — the words stay where they were."""
    out = []
    for line in text.split("\n"):
        if len(line) <= _MARKUP_LINE_CHARS and _PAGE_MARKER.match(line):
            out.append("")
            continue
        line = _IMAGE.sub(IMAGE_MARK, line)
        line = re.sub(r"^\s{0,3}#{1,6}\s*", "", line)
        line = re.sub(r"^\s{0,3}>\s?", "", line)
        line = re.sub(r"^\s{0,3}[-*+]\s+(?=\S)", "", line)
        line = _EMPHASIS.sub(r"\2", line)
        line = _TAG_BR.sub("", line)
        line = _TAG.sub("", line).replace("&nbsp;", " ")
        out.append(line)
    return "\n".join(out)


def has_embedded_tables(text: str) -> bool:
    return bool(re.search(r"^\s*\|.*\|\s*$", text, re.M) or re.search(r"<table\b", text, re.I))


def div_grids_as_tables(doc) -> int:  # type: ignore[no-untyped-def]
    """CSS grids (「<div class="tr"><div class="td">…」, a portal's table without <table>) made tables, so
    that one reader takes them: a div whose children are all divs ("rows") of divs with no div inside
    ("cells"), at least two rows of two cells or more. Told by structure, not class names. Returns how
    many."""
    def cells_of(row) -> list | None:  # type: ignore[no-untyped-def]
        kids = [k for k in row if isinstance(k.tag, str)]
        if not kids or any(k.tag != "div" or k.find(".//div") is not None for k in kids):
            return None
        return kids

    def leaves_of(row) -> list:  # type: ignore[no-untyped-def]
        # a header row with a cell that holds a row of its own (法人或其他组织 over its five columns): its
        # innermost cells, in order
        return [d for d in row.iter("div") if d is not row and d.find(".//div") is None]

    grids = []
    for div in doc.iter("div"):
        rows = [k for k in div if isinstance(k.tag, str)]
        if len(rows) < 2 or any(r.tag != "div" for r in rows) or any(r.find(".//table") is not None for r in rows):
            continue
        shaped = [cells_of(r) for r in rows]
        flat = sum(1 for c in shaped if c and len(c) >= 2)
        nested = [i for i, (r, c) in enumerate(zip(rows, shaped, strict=True)) if c is None and r.text_content().strip()]
        if flat >= 2 and len(nested) <= max(2, flat // 4):  # a grid: flat rows, a header row or two nested
            for i in nested:
                shaped[i] = leaves_of(rows[i])
            grids.append((div, rows, shaped))
    for div, rows, shaped in grids:
        div.tag = "table"
        for row, cells in zip(rows, shaped, strict=True):
            row.tag = "tr"
            if cells and any(c.getparent() is not row for c in cells):  # a nested header row, made flat
                texts = [c.text_content().strip() for c in cells]
                for child in list(row):
                    row.remove(child)
                row.text = None
                for text in texts:
                    td = row.makeelement("td")
                    td.text = text
                    row.append(td)
                continue
            for cell in cells or ():
                cell.tag = "td"
    return len(grids)


def alt_text_as_prose(doc, min_chars: int = 12) -> None:  # type: ignore[no-untyped-def]
    """An image's alternative text that describes it in sentences (accessibility rules ask portals to
    write the figures of a table printed as an image) is kept as prose after the image."""
    for img in doc.iter("img"):
        alt = (img.get("alt") or "").strip()
        if len(re.findall(r"[\u4e00-\u9fff]", alt)) >= min_chars:
            img.tail = "\n" + alt + "\n" + (img.tail or "")
