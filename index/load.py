"""Stage 1 — load a report file into text plus native table grids.

Pure core: encoding detection and text sanity checks (no heavy imports). Adapters for PDF
(pdfplumber), HTML (lxml) and DOCX (python-docx) are imported lazily inside their functions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from index.markup import (
    IMAGE_MARK,
    TABLE_MARK,
    Grid,
    clean_markdown,
    has_embedded_tables,
    lift_html_tables,
    lift_pipe_tables,
)

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".pdf", ".html", ".htm", ".docx")


class ReportError(Exception):
    """A file that cannot become a report. The message names the file and the problem."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path.name}: {problem}")


@dataclass
class LoadedFile:
    path: Path
    text: str
    fmt: str  # txt | md | pdf | html | docx
    encoding: str = "utf-8"
    grids: list[Grid] = field(default_factory=list)  # native tables, in reading order
    pages: list[str] = field(default_factory=list)  # PDF page texts (page n = index + 1)


def decode_text(data: bytes, path: Path | str = "<bytes>") -> tuple[str, str]:
    """Decode report bytes as UTF-8 (with or without BOM) or GB18030 — detected, never assumed."""
    if not data.strip():
        raise ReportError(path, "文件为空（empty file）")
    if b"\x00" in data[:4096]:
        raise ReportError(path, "不是文本文件：含有二进制内容（binary data, not text）")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ReportError(path, f"无法识别的文字编码（neither UTF-8 nor GB18030: {exc.reason}）") from None
    return text, "gb18030"


def _check_text(path: Path, text: str) -> None:
    sample = text[:20000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    if sample and controls / len(sample) > 0.02:
        raise ReportError(path, "不是文本文件：含有大量控制字符（looks binary）")


def load_file(path: Path | str, max_bytes: int | None = None) -> LoadedFile:
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise ReportError(path, "文件或文件夹不存在（not found）")
    if suffix not in SUPPORTED_SUFFIXES:
        raise ReportError(path, f"不支持的文件类型 {suffix or '(无扩展名)'}；支持 {' '.join(SUPPORTED_SUFFIXES)}")
    if not path.is_file():
        raise ReportError(path, "不是普通文件（not a regular file）")
    size = path.stat().st_size
    if size == 0:
        raise ReportError(path, "文件为空（empty file）")
    if max_bytes is not None and size > max_bytes:
        raise ReportError(
            path, f"文件过大：{size / 1e6:.1f} MB，超过上限 {max_bytes / 1e6:.0f} MB（file too large）"
        )
    if suffix == ".pdf":
        return _load_pdf(path)
    if suffix == ".docx":
        return _load_docx(path)
    data = path.read_bytes()
    text, encoding = decode_text(data, path)
    if suffix in (".html", ".htm"):
        return _load_html(path, text, encoding)
    _check_text(path, text)
    fmt = "md" if suffix in (".md", ".markdown") else "txt"
    grids: list[Grid] = []
    if fmt == "md" or has_embedded_tables(text):
        # converter output and text with markdown tables: tables become grids, the rest stays prose
        text, html_grids = lift_html_tables(text, _html_fragment_grids)
        text, pipe_grids = lift_pipe_tables(text, first=len(html_grids))
        grids = html_grids + pipe_grids
        if fmt == "md":
            text = clean_markdown(text)
    return LoadedFile(path, text, fmt, encoding, grids=grids)


def iter_report_files(paths: list[Path | str]) -> Iterator[Path]:
    """Files named, and every file inside folders (recursively, sorted; hidden ones excepted). Files
    of other types pass through too, so that the caller lists each one it skips, with the reason."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(p).parts):
                    yield child
        else:
            yield p


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


# ---------------------------------------------------------------- adapters


def _load_pdf(path: Path) -> LoadedFile:
    import pdfplumber  # heavy: adapter only

    with open(path, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF" not in head:
        raise ReportError(path, "不是有效的 PDF 文件（no %PDF header）")
    pages: list[str] = []
    grids: list[Grid] = []
    try:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                pages.append(page.extract_text() or "")
                for table in page.extract_tables():
                    # pdfplumber gives None for the slots a merged cell covers, "" for an empty cell
                    grids.append([[None if cell is None else cell.strip() for cell in row] for row in table])
    except Exception as exc:  # pdfminer raises many types for broken files
        raise ReportError(path, f"PDF 无法解析（{type(exc).__name__}: {exc}）") from None
    text = "\n".join(f"{t}\n- {i + 1} -" for i, t in enumerate(pages))
    if not re.search(r"[\u4e00-\u9fff]", text):
        raise ReportError(path, "PDF 中没有可提取的中文文字（扫描件或空文档？）")
    return LoadedFile(path, text, "pdf", "pdf", grids=grids, pages=pages)


def _load_html(path: Path, text: str, encoding: str) -> LoadedFile:
    from lxml import html as lxml_html  # heavy: adapter only

    try:
        doc = lxml_html.fromstring(text)
    except Exception as exc:
        raise ReportError(path, f"HTML 无法解析（{exc}）") from None
    for bad in doc.xpath("//script|//style|//head|//nav|//button|//select|//form"):
        bad.drop_tree()
    grids = _data_table_grids(doc)
    for img in doc.iter("img"):
        img.tail = IMAGE_MARK + (img.tail or "")
    for el in doc.iter("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "tr", "td", "th"):
        el.tail = "\n" + (el.tail or "")
    prose = "\n".join(line.strip() for line in doc.text_content().replace("\xa0", " ").splitlines() if line.strip())
    return LoadedFile(path, prose, "html", encoding, grids=grids)


def _data_table_grids(doc) -> list[Grid]:  # type: ignore[no-untyped-def]
    """The report's tables are the innermost ones: portal pages nest them in layout tables. Each
    becomes a grid and leaves the DOM; the layout tables around them stay and give the prose."""
    from lxml import etree

    grids = []
    for t in doc.xpath("//table[not(.//table)]"):
        grid = expand_html_table(t)
        if not grid:
            continue
        mark = etree.Element("p")
        mark.text = TABLE_MARK.format(len(grids))
        grids.append(grid)
        if t.getparent() is not None:
            t.addprevious(mark)
            t.drop_tree()
    return grids


def _html_fragment_grids(fragment: str) -> list[Grid]:
    from lxml import html as lxml_html  # heavy: adapter only

    try:
        doc = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except Exception:
        return []
    return [g for g in (expand_html_table(t) for t in doc.xpath(".//table[not(.//table)]")) if g]


def expand_html_table(table) -> Grid:  # type: ignore[no-untyped-def]
    """An HTML <table> as a rectangular grid: a spanned cell's text in its first slot, None in the
    slots it covers (so that an empty cell, "", is told apart from a spanned one)."""
    grid: dict[tuple[int, int], str | None] = {}
    for r, tr in enumerate(table.xpath(".//tr")):
        c = 0
        for td in tr.xpath("./td|./th"):
            while (r, c) in grid:
                c += 1
            for br in td.iter("br"):
                br.tail = "\n" + (br.tail or "")
            text = re.sub(r"\s+", " ", td.text_content().replace("\xa0", " ")).strip()
            rs = _span(td.get("rowspan"))
            cs = _span(td.get("colspan"))
            for dr in range(rs):
                for dc in range(cs):
                    grid[(r + dr, c + dc)] = text if (dr == 0 and dc == 0) else None
            c += cs
    if not grid:
        return []
    rows = max(r for r, _ in grid) + 1
    cols = max(c for _, c in grid) + 1
    return [[grid.get((r, c), "") for c in range(cols)] for r in range(rows)]


def _span(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def _load_docx(path: Path) -> LoadedFile:
    try:
        import docx  # heavy: adapter only

        document = docx.Document(str(path))
    except Exception as exc:
        raise ReportError(path, f"DOCX 无法打开（{type(exc).__name__}）") from None
    paragraphs = [p.text for p in document.paragraphs]
    grids: list[Grid] = []
    for table in document.tables:
        grid: Grid = []
        for tr in table.rows:
            cells: list[str | None] = []
            previous = None
            for cell in tr.cells:
                # python-docx returns a merged cell once per spanned column: the copies are spanned slots
                cells.append(None if cell._tc is previous else cell.text.strip())
                previous = cell._tc
            grid.append(cells)
        grids.append(grid)
    return LoadedFile(path, "\n".join(paragraphs), "docx", "docx", grids=grids)
