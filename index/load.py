"""Stage 1 — load a report file into text plus native table grids.

Pure core: encoding detection and text sanity checks (no heavy imports). Adapters for PDF
(pypdfium2 for the text, pdfminer for the limits, pdfplumber's table reader where the text falls
short), HTML (lxml) and DOCX (index/docx_reader.py; python-docx for the forms it leaves aside) are imported lazily inside their functions.

Every input is bounded before a library is handed it (index/limits.py): the file's size, a PDF's
pages and decompressed content streams, a DOCX's decompressed parts, paragraphs and table cells, an
HTML page's tags and spanned cells, the text's characters and lines. A file over a limit is refused
with a message naming the file and the limit."""

from __future__ import annotations

import bisect
import dataclasses
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.limits import InputLimits, megabytes, over_limit
from index.markup import (
    IMAGE_MARK,
    TABLE_MARK,
    CellBudget,
    Grid,
    TooManyCells,
    alt_text_as_prose,
    clean_markdown,
    div_grids_as_tables,
    has_embedded_tables,
    lift_html_tables,
    lift_pipe_tables,
)

if TYPE_CHECKING:
    from index.tables import Cell

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".pdf", ".html", ".htm", ".docx", ".xlsx", ".ofd", ".rtf", ".json",
                      ".odt", ".mht", ".mhtml")


class ReportError(Exception):
    """A file that cannot become a report. The message names the file and the problem."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{printable(self.path.name)}: {problem}")


def printable(name: str) -> str:
    """A file name fit for one output line: a newline or another control character in it is shown
    escaped (「a\\nb.txt」), never printed."""
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in name)


@dataclass
class LoadedFile:
    path: Path
    text: str
    fmt: str  # txt | md | pdf | html | docx | xlsx | ofd | rtf | odt
    encoding: str = "utf-8"
    grids: list[Grid] = field(default_factory=list)  # native tables, in reading order
    pages: list[str] = field(default_factory=list)  # PDF page texts (page n = index + 1)
    # the parse made while loading (a PDF's tables judged complete), with the chunk sizes it was made
    # with: the reader of the file reuses it instead of parsing the same text again (index/ingest.py)
    parsed: tuple[tuple[int, int], Any] | None = field(default=None, repr=False, compare=False)


def decode_text(data: bytes, path: Path | str = "<bytes>") -> tuple[str, str]:
    """Decode report bytes as UTF-8 (with or without BOM) or GB18030 — detected, never assumed."""
    if not data.strip():
        raise ReportError(path, "文件为空（empty file）")
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):  # Windows Notepad's 「Unicode」: UTF-16 with its byte-order mark
            try:
                return data[2:].decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise ReportError(path, _bad_bytes(data, exc.start + 2, exc.end + 2, "UTF-16")) from None
    if b"\x00" in data[:4096]:
        raise ReportError(path, "不是文本文件：含有二进制内容（binary data, not text）")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise ReportError(path, _bad_bytes(data, exc.start + 3, exc.end + 3, "UTF-8")) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if _mostly_utf8(data):
        # a UTF-8 file with a damaged byte: read as GB18030 it would be garbled, never refused
        raise ReportError(path, _bad_bytes(data, utf8_error.start, utf8_error.end, "UTF-8"))
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ReportError(path, _bad_bytes(data, exc.start, exc.end, "GB18030")) from None
    return text, "gb18030"


def _mostly_utf8(data: bytes) -> bool:
    """At most a few undecodable bytes in a file whose other non-ASCII text is valid UTF-8."""
    text = data.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    return damaged <= 8 and sum(1 for ch in text if ord(ch) > 0x7F) >= 20 * damaged


def _bad_bytes(data: bytes, start: int, end: int, encoding: str) -> str:
    """Where a file's bytes stop decoding: line, character in the line, the bytes themselves."""
    line_start = data.rfind(b"\n", 0, start) + 1
    line = data.count(b"\n", 0, start) + 1
    column = len(data[line_start:start].decode(encoding.lower(), errors="replace")) + 1
    return (f"文字编码错误：第 {line} 行第 {column} 个字符处（文件第 {start + 1} 个字节）有无法识别的字节 "
            f"{data[start:max(end, start + 1)].hex(' ')}，文件其余部分按 {encoding} 读取；"
            "请修正该处（或另存为 UTF-8）后重新导入")


def _check_text(path: Path, text: str) -> None:
    sample = text[:20000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    if sample and controls / len(sample) > 0.02:
        raise ReportError(path, "不是文本文件：含有大量控制字符（looks binary）")


def load_file(path: Path | str, max_bytes: int | None = None, limits: InputLimits | None = None) -> LoadedFile:
    """A report file as text and table grids, within `limits` (by default the settings' defaults;
    `max_bytes`, when given, replaces the file size limit)."""
    path = Path(path)
    limits = limits or InputLimits()
    max_bytes = limits.max_file_bytes if max_bytes is None else max_bytes
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
    if size > max_bytes:
        raise ReportError(path, over_limit("文件过大：", megabytes(size), megabytes(max_bytes), "max_file_mb"))
    budget = CellBudget(limits.max_table_cells)
    try:
        if suffix == ".pdf":
            loaded = _load_pdf(path, limits, budget)
        elif suffix == ".docx":
            loaded = _load_docx(path, limits, budget)
        elif suffix == ".xlsx":
            loaded = _load_xlsx(path, limits, budget)
        elif suffix == ".ofd":
            loaded = _load_ofd(path, limits)
        elif suffix == ".rtf":
            loaded = _load_rtf(path, budget)
        elif suffix == ".odt":
            loaded = _load_odt(path, limits, budget)
        elif suffix in (".mht", ".mhtml"):
            loaded = _load_mht(path, limits, budget)
        elif suffix == ".json":
            loaded = _load_json(path, limits, budget)
        else:
            loaded = _load_text(path, suffix, limits, budget)
    except TooManyCells as exc:
        raise ReportError(path, over_limit("表格过大：全部表格展开合并单元格后共有", f" {exc.cells:,} 个以上单元格",
                                           f"{exc.limit:,} 个", "max_table_cells")) from None
    check_text_size(path, loaded.text, limits)
    return loaded


def check_text_size(path: Path, text: str, limits: InputLimits) -> None:
    """The loaded text within the characters and lines a report may have."""
    if len(text) > limits.max_text_chars:
        raise ReportError(path, over_limit("文字过多：共", f" {len(text):,} 个字符", f"{limits.max_text_chars:,} 个字符",
                                           "max_text_chars"))
    lines = text.count("\n") + 1
    if lines > limits.max_lines:
        raise ReportError(path, over_limit("行数过多：共", f" {lines:,} 行", f"{limits.max_lines:,} 行", "max_lines"))


def _load_text(path: Path, suffix: str, limits: InputLimits, budget: CellBudget) -> LoadedFile:
    data = path.read_bytes()
    text, encoding = decode_text(data, path)
    if suffix in (".html", ".htm"):
        return _load_html(path, text, encoding, limits, budget)
    check_text_size(path, text, limits)  # before any pattern runs over it
    _check_text(path, text)
    fmt = "md" if suffix in (".md", ".markdown") else "txt"
    grids: list[Grid] = []
    if fmt == "md" or has_embedded_tables(text):
        # converter output and text with markdown tables: tables become grids, the rest stays prose
        text, html_grids = lift_html_tables(text, lambda fragment: _html_fragment_grids(fragment, budget))
        text, pipe_grids = lift_pipe_tables(text, first=len(html_grids), budget=budget)
        grids = html_grids + pipe_grids
        if fmt == "md":
            text = clean_markdown(text)
    return LoadedFile(path, text, fmt, encoding, grids=grids)


def iter_report_files(paths: list[Path | str]) -> Iterator[Path]:
    """Files named, and every file inside folders (recursively, sorted; hidden ones excepted). Files
    of other types pass through too, so that the caller lists each one it skips, with the reason."""
    for path, _ in report_files(paths):
        yield path


def report_files(paths: list[Path | str]) -> Iterator[tuple[Path, str]]:
    """As `iter_report_files`, each file with the name to show for it: a file named, by its name; a
    file found in a folder, by its path inside that folder (two 「报告.pdf」 in two sub-folders are told
    apart); control characters escaped (see `printable`)."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                inside = child.relative_to(p)
                if child.is_file() and not any(part.startswith(".") for part in inside.parts):
                    yield child, printable(inside.as_posix())
        else:
            yield p, printable(p.name)


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


# ---------------------------------------------------------------- adapters

_INFLATE_STEP = 1 << 20
PARSE_DEFAULTS = (220, 60)  # index.parse.parse_loaded's chunk_chars and chunk_overlap


def _load_pdf(path: Path, limits: InputLimits, budget: CellBudget) -> LoadedFile:
    """A PDF's text page by page from PDFium (pypdfium2: ~10 ms a report, where pdfminer's layout
    analysis took ~150 ms), each page followed by its number 「- n -」, which citations point to. The
    tables are read from that text; pdfplumber's table reader (pdfminer's layout, ruling lines) is
    asked only when the text leaves a table incomplete, and its grids are used where they give more."""
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF" not in head:
        raise ReportError(path, "不是有效的 PDF 文件（no %PDF header）")
    _check_pdf_limits(path, limits)
    pages = _pdfium_pages(path, limits)
    text = "\n".join(f"{t}\n- {i + 1} -" for i, t in enumerate(pages))
    if not re.search(r"[\u4e00-\u9fff]", text):
        raise ReportError(path, "PDF 中没有可提取的中文文字（扫描件或空文档？）")
    loaded = LoadedFile(path, text, "pdf", "pdf", pages=pages)
    if _tables_incomplete(loaded, limits):
        loaded.grids = pdf_table_grids(path, budget)
    return loaded


def _check_pdf_limits(path: Path, limits: InputLimits) -> None:
    """Pages and inflated content streams counted with pdfminer's object parser before PDFium
    interprets anything (about 1 ms for a report)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    with open(path, "rb") as fh:
        try:
            doc = PDFDocument(PDFParser(fh))
        except Exception as exc:  # pdfminer raises many types for broken files
            raise ReportError(path, f"PDF 无法解析（{type(exc).__name__}: {exc}）") from None
        try:
            _check_pdf(path, doc, limits)
        except (ReportError, MemoryError):
            raise
        except Exception as exc:
            raise ReportError(path, f"PDF 无法解析（{type(exc).__name__}: {exc}）") from None


def _pdfium_pages(path: Path, limits: InputLimits) -> list[str]:
    import pypdfium2 as pdfium  # adapter only

    try:
        doc = pdfium.PdfDocument(str(path))
    except Exception as exc:  # PdfiumError: damaged, encrypted
        raise ReportError(path, f"PDF 无法解析（{type(exc).__name__}: {exc}）") from None
    pages: list[str] = []
    chars = 0
    try:
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            try:
                raw = textpage.get_text_bounded()
            finally:
                textpage.close()
                page.close()
            # a page number printed as 「- 3 -」 would be taken for the loader's own page marker
            pages.append(_PAGE_MARK.sub("", raw.replace("\r\n", "\n").replace("\r", "\n")).strip("\n"))
            chars += len(pages[-1])
            if chars > limits.max_text_chars:
                check_text_size(path, "\n".join(pages), limits)
    except (ReportError, MemoryError):
        raise
    except Exception as exc:
        raise ReportError(path, f"PDF 无法解析（{type(exc).__name__}: {exc}）") from None
    finally:
        doc.close()
    return pages


def _tables_incomplete(loaded: LoadedFile, limits: InputLimits) -> bool:
    """Whether the tables read from the text leave a row unresolved or missing, or read a figure other
    than as printed beside its label (split by arithmetic, matched by row order): then a table reader
    may read more. A file that is no report at all is left to the parse to refuse."""
    from index.parse import parse_loaded  # the parse is the judge of its own input

    try:
        parsed = parse_loaded(loaded, limits=limits)
    except ReportError:
        return False
    tables = parsed.tables
    incomplete = bool(tables.unresolved or tables.missing or not tables.cells
                      or any(c.resolved_by not in ("printed", "blank") for c in tables.cells))
    if not incomplete:  # the file stays as parsed: its reader need not parse it again
        loaded.parsed = (PARSE_DEFAULTS, parsed)
    return incomplete


def pdf_table_grids(path: Path, budget: CellBudget | None = None) -> list[Grid]:
    """pdfplumber's tables, page by page (its layout objects dropped after each page); their cells
    taken from `budget` (by default the limit's default)."""
    import pdfplumber  # heavy: adapter only

    budget = budget or CellBudget(InputLimits().max_table_cells)
    grids: list[Grid] = []
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises many types for broken files
        raise ReportError(path, f"PDF 无法解析（{type(exc).__name__}: {exc}）") from None
    try:
        for page in pdf.pages:
            for table in page.extract_tables():
                budget.take(sum(len(row) for row in table))
                # pdfplumber gives None for the slots a merged cell covers, "" for an empty cell
                grids.append([[None if cell is None else cell.strip() for cell in row] for row in table])
            page.close()  # its layout objects are no longer needed: memory stays one page deep
    except (ReportError, TooManyCells, MemoryError):
        raise
    except Exception as exc:  # pdfminer raises many types for broken files
        raise ReportError(path, f"PDF 无法解析（{type(exc).__name__}: {exc}）") from None
    finally:
        pdf.stream.close()  # not pdf.close(): it would build every page first
    return grids


_LINE_SOURCE = re.compile(r"^第(\d+)行$")


def cite_pdf_pages(cells: list[Cell], text: str) -> list[Cell]:
    """A PDF's cells read from its text cite the page of their row (「PDF第3页表格」, as a cell of a
    native table does) instead of a line of the extracted text, which no reader of the PDF sees."""
    ends, expected = [], 1
    for m in _PAGE_MARK.finditer(text):  # in order: a footer the page prints (「- 2 -」) is no marker of ours
        if int(m.group(1)) == expected:
            ends.append(m.start())
            expected += 1
    if not ends:
        return cells
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    out = []
    for c in cells:
        m = _LINE_SOURCE.match(c.source)
        if m and int(m.group(1)) <= len(line_starts):
            page = bisect.bisect_right(ends, line_starts[int(m.group(1)) - 1]) + 1
            c = dataclasses.replace(c, source=f"PDF第{min(page, len(ends))}页表格")
        out.append(c)
    return out


_PAGE_MARK = re.compile(r"^- (\d+) -$", re.M)


def _check_pdf(path: Path, doc, limits: InputLimits) -> None:  # type: ignore[no-untyped-def]
    """Pages counted and content streams inflated (output counted, then dropped) before pdfminer
    interprets any: a 50,000-page file or a stream inflating to 400 MB is refused in a second."""
    from itertools import islice

    from pdfminer.pdfpage import PDFPage

    pages = list(islice(PDFPage.create_pages(doc), limits.max_pdf_pages + 1))
    if len(pages) > limits.max_pdf_pages:
        declared = _declared_page_count(doc)
        found = f"共 {declared:,} 页" if declared > limits.max_pdf_pages else f"多于 {limits.max_pdf_pages} 页"
        raise ReportError(path, over_limit("PDF 页数过多：", found, f"{limits.max_pdf_pages} 页", "max_pdf_pages"))
    room = limits.max_unpacked_bytes
    seen: set[int] = set()
    for page in pages:
        for stream in _content_streams(page.contents, page.resources, seen):
            room -= _decoded_size(stream, room)
            if room < 0:
                raise ReportError(path, over_limit("PDF 的内容流解压后过大", "", megabytes(limits.max_unpacked_bytes),
                                                   "max_unpacked_mb"))


def _declared_page_count(doc) -> int:  # type: ignore[no-untyped-def]
    from pdfminer.pdftypes import resolve1

    try:
        return int(resolve1(resolve1(doc.catalog["Pages"])["Count"]))
    except Exception:
        return 0


def _content_streams(contents, resources, seen: set[int]) -> Iterator:  # type: ignore[no-untyped-def,type-arg]
    """A page's content streams and, recursively, those of the forms it draws (each once)."""
    from pdfminer.pdftypes import PDFStream, resolve1

    for stream in contents or []:
        stream = resolve1(stream)
        if isinstance(stream, PDFStream) and id(stream) not in seen:
            seen.add(id(stream))
            yield stream
    resources = resolve1(resources)
    xobjects = resolve1(resources.get("XObject")) if isinstance(resources, dict) else None
    if not isinstance(xobjects, dict):
        return
    for xobj in xobjects.values():
        xobj = resolve1(xobj)
        if not isinstance(xobj, PDFStream) or id(xobj) in seen or getattr(xobj.get("Subtype"), "name", "") != "Form":
            continue
        yield from _content_streams([xobj], xobj.get("Resources"), seen)


def _decoded_size(stream, room: int) -> int:  # type: ignore[no-untyped-def]
    """Bytes a stream decodes to, counted up to `room` + 1 without keeping them (Flate is the filter
    a bomb uses; other filters grow data a few times at most and are counted as stored)."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE

    data = stream.rawdata if stream.rawdata is not None else stream.data or b""
    if stream.rawdata is None:
        return len(data)
    try:
        if stream.decipher:
            data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
        filters = stream.get_filters()
    except Exception:
        return len(data)
    if not filters or filters[0][0] not in LITERALS_FLATE_DECODE:
        return len(data)
    inflater = zlib.decompressobj()
    size = 0
    try:
        while data and size <= room:
            size += len(inflater.decompress(data, _INFLATE_STEP))
            data = inflater.unconsumed_tail
    except zlib.error:
        pass  # pdfminer reads what inflates before the damage; so was it counted
    return size


def _load_html(path: Path, text: str, encoding: str, limits: InputLimits, budget: CellBudget) -> LoadedFile:
    from lxml import html as lxml_html  # heavy: adapter only

    tags, most = text.count("<"), 10 * limits.max_lines
    if tags > most:
        raise ReportError(path, over_limit("HTML 标签过多：共", f" {tags:,} 个（开始和结束标签各计一次）", f"{most:,} 个（行数上限的 10 倍）",
                                           "max_lines"))
    try:
        doc = lxml_html.fromstring(text)
    except Exception as exc:
        raise ReportError(path, f"HTML 无法解析（{exc}）") from None
    for frame in doc.xpath("//iframe[@srcdoc]"):
        # a page that shows the report in an <iframe srcdoc="…">: the frame's own document is the report
        inner = frame.get("srcdoc") or ""
        if len(inner) > 200:
            frame.addnext(lxml_html.fragment_fromstring(inner, create_parent="div"))
        frame.drop_tree()
    for bad in doc.xpath("//script|//style|//head|//nav|//button|//select|//form"):
        bad.drop_tree()
    div_grids_as_tables(doc)
    grids = _data_table_grids(doc, budget)
    alt_text_as_prose(doc)
    for img in doc.iter("img"):
        img.tail = IMAGE_MARK + (img.tail or "")
    for el in doc.iter("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "tr", "td", "th"):
        el.tail = "\n" + (el.tail or "")
    prose = "\n".join(line.strip() for line in doc.text_content().replace("\xa0", " ").splitlines() if line.strip())
    return LoadedFile(path, prose, "html", encoding, grids=grids)


def _data_table_grids(doc, budget: CellBudget | None = None) -> list[Grid]:  # type: ignore[no-untyped-def]
    """The report's tables are the innermost ones: portal pages nest them in layout tables. Each
    becomes a grid and leaves the DOM; the layout tables around them stay and give the prose."""
    from lxml import etree

    grids = []
    for t in doc.xpath("//table[not(.//table)]"):
        grid = expand_html_table(t, budget)
        if not grid:
            continue
        mark = etree.Element("p")
        mark.text = TABLE_MARK.format(len(grids))
        grids.append(grid)
        if t.getparent() is not None:
            t.addprevious(mark)
            t.drop_tree()
    return grids


def _html_fragment_grids(fragment: str, budget: CellBudget | None = None) -> list[Grid]:
    from lxml import html as lxml_html  # heavy: adapter only

    try:
        doc = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except Exception:
        return []
    return [g for g in (expand_html_table(t, budget) for t in doc.xpath(".//table[not(.//table)]")) if g]


# HTML's own ceiling on colspan; a rowspan reaches at most the table's last row
_MAX_COLSPAN = 1000


def expand_html_table(table, budget: CellBudget | None = None) -> Grid:  # type: ignore[no-untyped-def]
    """An HTML <table> as a rectangular grid: a spanned cell's text in its first slot, None in the
    slots it covers (so that an empty cell, "", is told apart from a spanned one). Each cell's span,
    as declared, is taken from `budget` before a slot is filled."""
    grid: dict[tuple[int, int], str | None] = {}
    trs = table.xpath(".//tr")
    for r, tr in enumerate(trs):
        c = 0
        for td in tr.xpath("./td|./th"):
            while (r, c) in grid:
                c += 1
            rs, cs = _span(td.get("rowspan")), _span(td.get("colspan"))
            if budget is not None:
                budget.take(rs * cs)
            rs, cs = min(rs, len(trs) - r), min(cs, _MAX_COLSPAN)
            for br in td.iter("br"):
                br.tail = "\n" + (br.tail or "")
            text = re.sub(r"\s+", " ", td.text_content().replace("\xa0", " ")).strip()
            for dr in range(rs):
                for dc in range(cs):
                    grid[(r + dr, c + dc)] = text if (dr == 0 and dc == 0) else None
            c += cs
    if not grid:
        return []
    rows = max(r for r, _ in grid) + 1
    cols = max(c for _, c in grid) + 1
    if budget is not None:
        budget.take(max(0, rows * cols - len(grid)))  # the slots the rectangle adds
    # a slot no cell of its row declares is no blank cell (None, like a spanned one): a row of one label
    # (labels printed apart from their figures) must not read as a row of zeros
    return [[grid.get((r, c)) for c in range(cols)] for r in range(rows)]


def _span(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def _load_ofd(path: Path, limits: InputLimits) -> LoadedFile:
    """An OFD: each page's text objects as lines, the way a PDF's text layer reads (index/ofd.py)."""
    from index.ofd import OfdError, read_pages

    try:
        pages = read_pages(path, limits.max_unpacked_bytes)
    except OfdError as exc:
        raise ReportError(path, f"OFD 无法读取：{exc}") from None
    if not any(p.strip() for p in pages):
        raise ReportError(path, "OFD 中没有可读的文字（可能是扫描图片）")
    return LoadedFile(path, "\n".join(pages), "ofd", "ofd", pages=pages)


def _load_rtf(path: Path, budget: CellBudget) -> LoadedFile:
    """An RTF file: its paragraphs as text, its tables as grids (index/rtf.py)."""
    from index.rtf import RtfError, read_rtf

    try:
        document = read_rtf(path.read_bytes())
    except RtfError as exc:
        raise ReportError(path, f"RTF 无法读取：{exc}") from None
    for grid in document.grids:
        budget.take(sum(len(row) for row in grid))
    return LoadedFile(path, "\n".join(document.paragraphs), "rtf", "rtf", grids=document.grids)


def _load_odt(path: Path, limits: InputLimits, budget: CellBudget) -> LoadedFile:
    """An OpenDocument text: its paragraphs and headings as text, its tables as grids (index/odt.py)."""
    from index.odt import OdtError, read_odt

    try:
        document = read_odt(path, limits.max_unpacked_bytes)
    except OdtError as exc:
        raise ReportError(path, f"ODT 无法读取：{exc}") from None
    for grid in document.grids:
        budget.take(sum(len(row) for row in grid))
    if not document.paragraphs and not document.grids:
        raise ReportError(path, "ODT 中没有任何文字")
    return LoadedFile(path, "\n".join(document.paragraphs), "odt", "odt", grids=document.grids)


def _load_mht(path: Path, limits: InputLimits, budget: CellBudget) -> LoadedFile:
    """A web page saved as one file (MHTML, 「网页，单个文件」): its HTML part, decoded from its transfer
    encoding (quoted-printable, base64) and charset, read as a portal page."""
    import email
    from email import policy

    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    pages = [part for part in message.walk() if part.get_content_type() == "text/html"]
    if not pages:
        raise ReportError(path, "MHTML 中没有网页正文（没有 text/html 部分）")
    # the bytes after their transfer encoding, decoded as any report text is (the part's header often
    # names no charset; the page's <meta> does, and UTF-8/GB18030 detection reads it right)
    data = max((part.get_payload(decode=True) or b"" for part in pages), key=len)
    html, encoding = decode_text(data, path)
    return _load_html(path, html, encoding, limits, budget)


def _load_json(path: Path, limits: InputLimits, budget: CellBudget) -> LoadedFile:
    """A portal's article as its CMS serves it (「{"data": {"title": …, "content": "<p>…"}}」): the longest
    text in the document is the report (HTML or plain), the title put before it when the text lacks it."""
    import json

    text, encoding = decode_text(path.read_bytes(), path)
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ReportError(path, f"JSON 无法解析（{exc}）") from None
    strings = sorted(_json_strings(document), key=len, reverse=True)
    if not strings or len(strings[0]) < 200:
        raise ReportError(path, "JSON 中没有报告正文（找不到足够长的文字字段）")
    body = strings[0]
    title = next((s for s in strings[1:] if len(s) < 120 and "报告" in s and s not in body), "")
    if "<" in body and ">" in body:
        return _load_html(path, f"<h1>{title}</h1>{body}" if title else body, encoding, limits, budget)
    text = f"{title}\n{body}" if title else body
    check_text_size(path, text, limits)
    return LoadedFile(path, text, "txt", encoding)


def _json_strings(node: object, depth: int = 0) -> list[str]:
    if depth > 20:
        return []
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _json_strings(value, depth + 1)]
    if isinstance(node, list):
        return [s for value in node[:10000] for s in _json_strings(value, depth + 1)]
    return []


def _load_xlsx(path: Path, limits: InputLimits, budget: CellBudget) -> LoadedFile:
    """A workbook: its one-column sheets are the prose (a paragraph per cell), the others table grids."""
    from index.xlsx import XlsxError, read_workbook

    try:
        sheets = read_workbook(path, limits.max_unpacked_bytes)
    except XlsxError as exc:
        raise ReportError(path, f"XLSX 无法读取：{exc}") from None
    paragraphs: list[str] = []
    grids: list[Grid] = []
    for sheet in sheets:
        budget.take(sum(len(row) for row in sheet.rows))
        if sheet.is_prose():
            paragraphs += [c for row in sheet.rows for c in row if c]
        else:
            prose, tables = sheet.blocks()
            if len(tables) > 1:  # the whole report on one sheet: its prose, then each table on its own
                paragraphs += prose
                grids += tables
            else:  # one table (its notes, 「注：WC=结果维持…」, stay with it: they may name its columns)
                grids.append(sheet.rows)
    if not paragraphs and not grids:
        raise ReportError(path, "XLSX 中没有任何文字（empty workbook）")
    return LoadedFile(path, "\n".join(paragraphs), "xlsx", "xlsx", grids=grids)


def _load_docx(path: Path, limits: InputLimits, budget: CellBudget) -> LoadedFile:
    """A DOCX's paragraphs and tables, read from its document part's XML (index/docx_reader.py: what
    python-docx reads, ~10× faster); a form that reader leaves aside is read by python-docx."""
    _check_docx(path, limits)
    from index.docx_reader import read_docx

    content = read_docx(path)
    if content is None:
        return load_docx_python(path, budget)
    for grid in content.grids:
        for row in grid:
            budget.take(len(row))
    return LoadedFile(path, "\n".join(content.paragraphs), "docx", "docx", grids=content.grids)


def load_docx_python(path: Path, budget: CellBudget) -> LoadedFile:
    """A DOCX read through python-docx: the reference the XML reader is held to (tests), and the reader
    of the forms it leaves aside. The file's limits are checked before (`_check_docx`)."""
    try:
        import docx  # heavy: adapter only

        document = docx.Document(str(path))
    except Exception as exc:
        raise ReportError(path, f"DOCX 无法打开（{type(exc).__name__}）") from None
    paragraphs = [p.text for p in document.paragraphs]
    grids: list[Grid] = []
    for table in _innermost_tables(document.tables):
        grid: Grid = []
        for tr in table.rows:
            cells: list[str | None] = []
            previous = None
            for cell in tr.cells:
                # python-docx returns a merged cell once per spanned column: the copies are spanned slots
                cells.append(None if cell._tc is previous else cell.text.strip())
                previous = cell._tc
            budget.take(len(cells))
            grid.append(cells)
        grids.append(grid)
    return LoadedFile(path, "\n".join(paragraphs), "docx", "docx", grids=grids)


def _innermost_tables(tables):  # type: ignore[no-untyped-def]
    """The report's tables, in order: a table holding tables in its cells is layout (a table A set in a
    frame table), its inner tables are read instead — as for HTML."""
    from docx.table import Table

    for table in tables:
        # the tables in its cells, read from the XML as `row.cells` finds them (each <w:tc> once; a
        # vertically merged continuation is its cell above) without building every cell: `row.cells`
        # looks up each merged cell's origin by XPath, a third of a DOCX's reading when done twice
        inner = [Table(t, table) for tr in table._tbl.tr_lst for tc in tr.tc_lst if tc.vMerge != "continue"
                 for t in tc.tbl_lst]
        if inner:
            yield from _innermost_tables(inner)
        else:
            yield table


# a paragraph, a table cell, a cell's span: the tags that say how much python-docx will build
_DOCX_COUNTED = re.compile(rb'<w:(p|tc)[ >/]|<w:gridSpan w:val="(\d{1,12})"')
_DOCX_TAG_BYTES = 40  # the longest tag the pattern reads; chunks overlap by this much


def _check_docx(path: Path, limits: InputLimits) -> None:
    """A DOCX's parts are counted before python-docx reads any: their decompressed size (zipfile never
    yields more than a part's declared size, so the declared sizes bound the reading), then the
    paragraphs and table cells of the document part, read in 1 MB steps and dropped."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
            if unpacked > limits.max_unpacked_bytes:
                raise ReportError(path, over_limit("DOCX 解压后过大：", megabytes(unpacked),
                                                   megabytes(limits.max_unpacked_bytes), "max_unpacked_mb"))
            if "word/document.xml" not in zf.namelist():
                return  # python-docx says what is wrong
            with zf.open("word/document.xml") as part:
                paragraphs, cells = _count_docx_parts(part, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ReportError(path, f"DOCX 无法打开（不是完好的 zip 文件：{exc}）") from None
    if paragraphs > limits.max_lines:
        raise ReportError(path, over_limit("DOCX 段落过多", "", f"{limits.max_lines:,} 段", "max_lines"))
    if cells > limits.max_table_cells:
        raise TooManyCells(cells, limits.max_table_cells)


def _count_docx_parts(part, limits: InputLimits) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    paragraphs = cells = 0
    carry = b""
    while True:
        chunk = part.read(_INFLATE_STEP)
        data = carry + chunk
        # a match starting in the last bytes may run into the next chunk: those bytes are read again
        end = len(data) if not chunk else max(0, len(data) - _DOCX_TAG_BYTES)
        for m in _DOCX_COUNTED.finditer(data, 0, len(data)):
            if m.start() >= end:
                break
            if m.group(1) == b"p":
                paragraphs += 1
            else:
                cells += 1 if m.group(1) else max(0, int(m.group(2)) - 1)
        if not chunk or paragraphs > limits.max_lines or cells > limits.max_table_cells:
            return paragraphs, cells
        carry = data[end:]
