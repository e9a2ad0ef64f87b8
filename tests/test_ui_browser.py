"""End-to-end: start the real app (`python app.py`) on a fresh home and drive it with Debian Chromium.

Needs /usr/bin/chromium (apt-get install chromium) and the playwright Python package; skips, saying
which is missing, otherwise. Screenshots go to artifacts/ (repo-relative). Every wait has a timeout,
so a broken app fails fast instead of hanging."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from eval import bench_ui

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REPORTS = SHARED / "reports"
SAMPLE = REPO / "assistant" / "samples" / "zhongwei-2023.txt"
ARTIFACTS = REPO / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
START_TIMEOUT = 60  # s: sample ingest + server start
ANSWER_TIMEOUT = 30_000  # ms
UPLOAD_TIMEOUT = 60_000  # ms

Q_ZHONGWEI = "中卫市2023年收到多少政府信息公开申请？"
ZHONGWEI_REPORT = "中卫市2023年政府信息公开工作年度报告"


class App:
    """The running app: its URL and its home (to read what it stored)."""

    def __init__(self, url: str, home: Path, temp: Path | None = None) -> None:
        self.url, self.home, self.temp = url, home, temp  # temp: Gradio's upload folder


@pytest.fixture(scope="module")
def running_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    home = tmp_path_factory.mktemp("ui-home")
    log = home.parent / "app.log"
    port = bench_ui.free_port()
    env = {**os.environ, "ASSISTANT_HOME": str(home), "ASSISTANT_ENCODER": "hashing",
           "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port),
           "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
           "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8", "GRADIO_TEMP_DIR": str(home.parent / "gradio-tmp")}
    url = f"http://127.0.0.1:{port}/"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        try:
            bench_ui.wait_until_serving(proc, url, START_TIMEOUT, log)
        except RuntimeError as exc:
            pytest.fail(str(exc))
        text = log.read_text(encoding="utf-8", errors="replace")
        assert "zhongwei-2023.txt" in text, f"the empty home should ingest the bundled sample first:\n{text}"
        yield App(url, home, home.parent / "gradio-tmp")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def app_url(running_app: App) -> str:
    return running_app.url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=30_000)
        except sync_api.TimeoutError:  # a launch can take longer on 2 shared, loaded cores: once more, longer
            b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=120_000)
        try:
            yield b
        finally:
            b.close()


@contextmanager
def _open(browser, url: str, shot: str, *, width: int = 1366, height: int = 1000, locale: str = "zh-CN",
          phone: bool = False) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh browser session on the app (a new conversation); a full-page screenshot when done."""
    options: dict = {"viewport": {"width": width, "height": height}, "locale": locale}
    if phone:
        options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
    context = browser.new_context(**options)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    pg.set_default_navigation_timeout(30_000)
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    pg.goto(url, wait_until="domcontentloaded")
    pg.locator("#nb-question textarea").wait_for(state="visible")
    try:
        yield pg
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        try:
            pg.screenshot(path=str(ARTIFACTS / f"{shot}.png"), full_page=True, timeout=15_000)
        finally:
            context.close()


@pytest.fixture
def page(browser, app_url: str, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    with _open(browser, app_url, request.node.name) as pg:
        yield pg


def _ask(pg, question: str) -> object:  # type: ignore[no-untyped-def]
    """Ask through the text box; returns the locator of the new answer bubble once it is there."""
    from playwright.sync_api import expect

    bots = pg.locator("#nb-chat [data-testid='bot']")
    before = bots.count()
    box = pg.locator("#nb-question textarea")
    box.fill(question)
    box.press("Enter")
    expect(bots).to_have_count(before + 1, timeout=ANSWER_TIMEOUT)
    return bots.nth(before)


def _upload(pg, paths: list[Path], done_text: str) -> str:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    pg.locator("#nb-upload input[type='file']").set_input_files([str(p) for p in paths])
    log = pg.locator("#nb-ingest-log")  # the result itself, not the progress shown over it
    expect(log).to_contain_text(done_text, timeout=UPLOAD_TIMEOUT)
    expect(log).to_contain_text("导入完成", timeout=UPLOAD_TIMEOUT)
    return log.inner_text()


def test_ask_sample_shows_figure_and_source(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    bubble = _ask(page, Q_ZHONGWEI)
    expect(bubble).to_contain_text("209")
    expect(bubble).to_contain_text(ZHONGWEI_REPORT)
    expect(bubble).to_contain_text("三、收到和处理政府信息公开申请情况")
    expect(bubble.locator("mark").filter(has_text="209").first).to_be_visible()
    # side panel: the sample is listed with its audit status
    expect(page.locator("#nb-reports")).to_contain_text("中卫市")
    expect(page.locator("#nb-reports")).to_contain_text("✓")


def test_upload_report_then_ask(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    report = REPORTS / "hongze-2024.txt"
    if not report.is_file():
        pytest.skip(f"the shared reports are not beside this clone ({report} is missing)")
    text = _upload(page, [report], "✓ hongze-2024.txt")
    assert "洪泽区" in text and "2024" in text, text
    expect(page.locator("#nb-reports")).to_contain_text("洪泽区", timeout=UPLOAD_TIMEOUT)
    bubble = _ask(page, "洪泽区2024年收到多少政府信息公开申请？")
    expect(bubble).to_contain_text("95")
    expect(bubble).to_contain_text("洪泽区2024年政府信息公开工作年度报告")


def test_bad_upload_shows_chinese_error_and_app_still_answers(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    garbage = tmp_path / "garbage.txt"
    garbage.write_bytes(bytes(range(256)) * 8)
    text = _upload(page, [empty, garbage], "garbage.txt")
    assert "✗ empty.pdf" in text and "文件为空" in text, text
    assert "✗ garbage.txt" in text and "不是文本文件" in text, text
    assert "失败 2 个" in text, text
    assert "Traceback" not in page.content()
    bubble = _ask(page, Q_ZHONGWEI)
    expect(bubble).to_contain_text("209")
    assert not page.dialogs  # type: ignore[attr-defined]


def test_report_text_cannot_inject_html(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A report whose prose carries an <img onerror> payload: shown as text, never executed."""
    from playwright.sync_api import expect

    payload = '<img src=x onerror="window.__pwned=1">'
    text = SAMPLE.read_text(encoding="utf-8")
    marker = "领导信箱 822 件"
    assert marker in text, "the bundled sample changed; pick another sentence for the payload"
    evil = tmp_path / "evil-zhongwei-2023.txt"
    evil.write_text(text.replace(marker, marker + payload, 1), encoding="utf-8")
    _upload(page, [evil], "✓ evil-zhongwei-2023.txt")
    bubble = _ask(page, "中卫市2023年12345热线受理了多少群众诉求？")
    expect(bubble).to_contain_text("169116")
    expect(bubble).to_contain_text("onerror")  # visible as text
    assert bubble.locator("img").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    assert not page.dialogs  # type: ignore[attr-defined]


def test_follow_up_in_the_chat_uses_the_conversation(page) -> None:  # type: ignore[no-untyped-def]
    """「那2023年呢？」 after a question about 洪泽区2024: the browser session's conversation supplies
    the body and the figure; the answer gives the 2023 figure and says how it was read."""
    from playwright.sync_api import expect

    reports = [REPORTS / "hongze-2023.txt", REPORTS / "hongze-2024.txt"]
    if not all(r.is_file() for r in reports):
        pytest.skip(f"the shared reports are not beside this clone ({REPORTS} is missing)")
    _upload(page, reports, "✓ hongze-2023.txt")
    expect(page.locator("#nb-upload-log")).to_contain_text("✓ hongze-2024.txt", timeout=UPLOAD_TIMEOUT)
    first = _ask(page, "洪泽区2024年新收申请多少件？")
    expect(first).to_contain_text("95")
    follow = _ask(page, "那2023年呢？")
    expect(follow).to_contain_text("洪泽区2023年")
    expect(follow).to_contain_text("21件")
    expect(follow).to_contain_text("按洪泽区2023年")
    expect(follow).to_contain_text("洪泽区2023年政府信息公开工作年度报告")
    # 清空对话 forgets the conversation too
    page.locator("#nb-clear").click()
    expect(page.locator("#nb-chat [data-testid='bot']")).to_have_count(0, timeout=ANSWER_TIMEOUT)
    expect(_ask(page, "那2022年呢？")).to_contain_text("没有可以接续的问题")
    # a new browser session is a new conversation: the same follow-up there has nothing to follow
    other = page.context.browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    try:
        fresh = other.new_page()
        fresh.goto(page.url, wait_until="domcontentloaded")
        fresh.locator("#nb-question textarea").wait_for(state="visible")
        alone = _ask(fresh, "那2023年呢？")
        expect(alone).to_contain_text("没有可以接续的问题")
    finally:
        other.close()


# ---------------------------------------------------------------- issue 9's UI points, each as a user tries it


def _need(*names: str) -> list[Path]:
    paths = [REPORTS / n for n in names]
    if not all(p.is_file() for p in paths):
        pytest.skip(f"the shared reports are not beside this clone ({REPORTS} is missing)")
    return paths


def _ensure(pg, names: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Upload the shared reports named unless the reports panel already lists their files."""
    from playwright.sync_api import expect

    missing = [n for n in names if n not in pg.locator("#nb-reports").inner_text()]
    if missing:
        _upload(pg, _need(*missing), f"✓ {missing[-1]}")
    for n in names:
        expect(pg.locator("#nb-reports")).to_contain_text(n, timeout=UPLOAD_TIMEOUT)


def test_table_row_source_is_a_small_table_with_the_cited_cell_marked(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    bubble = _ask(page, Q_ZHONGWEI)
    table = bubble.locator("table.nb-row-wide")
    expect(table).to_be_visible()
    heads = [t.strip() for t in table.locator("thead th").all_inner_texts()]
    # the 2021 template's columns of table 三, in order, after the row's name
    assert heads[1:] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"], heads
    expect(table.locator("tbody th")).to_contain_text("本年新收政府信息公开申请数量")
    cells = [t.strip() for t in table.locator("tbody td").all_inner_texts()]
    assert cells == ["197", "7", "1", "3", "1", "0", "209"], cells
    cited = table.locator("td.nb-cited")
    expect(cited).to_have_count(1)
    expect(cited).to_have_text("209")
    assert heads[1 + cells.index("209")] == "总计"  # the marked cell stands under 总计
    expect(bubble.locator(".nb-row-printed")).to_contain_text("原文：一、本年新收政府信息公开申请数量 197 7 1 3 1 0 209")


def test_multi_year_chart_axis_starts_at_zero(page) -> None:  # type: ignore[no-untyped-def]
    """21 and 95: with the axis from zero the bars' heights are in the ratio 21 : 95."""
    from playwright.sync_api import expect

    _ensure(page, ["hongze-2023.txt", "hongze-2024.txt"])
    bubble = _ask(page, "洪泽区2023年和2024年各收到多少政府信息公开申请？")
    expect(bubble).to_contain_text("21")
    expect(bubble).to_contain_text("95")
    chart = page.locator("#nb-chart")
    expect(chart.locator("svg .mark-rect path").first).to_be_visible(timeout=ANSWER_TIMEOUT)
    chart.scroll_into_view_if_needed()
    heights = sorted(b["height"] for b in chart.locator("svg .mark-rect path").evaluate_all(
        "els => els.map(e => ({height: e.getBBox().height}))"))
    assert len(heights) == 2, heights
    assert abs(heights[0] / heights[1] - 21 / 95) < 0.02, heights
    ticks = chart.locator("svg .role-axis-label text").evaluate_all("els => els.map(e => e.textContent)")
    assert "0" in ticks, ticks
    expect(chart).to_contain_text("洪泽区")


def test_examples_follow_what_is_ingested(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    examples = page.locator(".nb-example")
    expect(examples.first).to_be_visible()
    _ensure(page, ["pingtan-2021.txt"])  # uploaded last: the newest report
    expect(examples.first).to_contain_text("平潭综合实验区", timeout=UPLOAD_TIMEOUT)
    held = page.locator("#nb-reports").inner_text()
    texts = [t for t in examples.all_inner_texts() if t.strip()]
    assert len(texts) >= 3, texts
    assert not all("中卫市" in t for t in texts), texts
    for t in texts:  # every example names a body that is held
        assert any(body in t for body in ("中卫市", "洪泽区", "平潭综合实验区", "淮安市")) and t[:3] in held, (t, held)
    bots = page.locator("#nb-chat [data-testid='bot']")
    examples.first.click()
    expect(bots).to_have_count(1, timeout=ANSWER_TIMEOUT)
    expect(bots.first).to_contain_text("平潭综合实验区")
    expect(page.locator("#nb-chat [data-testid='user']").first).to_contain_text(texts[0].strip())


def test_single_file_upload_shows_progress_within_the_file(page) -> None:  # type: ignore[no-untyped-def]
    """One PDF: the progress says which stage the file is in and moves before the file is done."""
    (pdf,) = _need("hongze-2024.pdf")
    page.evaluate("""() => { window.__seen = [];
      new MutationObserver(() => { const t = document.querySelector('#nb-upload-log')?.parentElement?.innerText || '';
        if (t.includes('正在导入') && window.__seen.at(-1) !== t) window.__seen.push(t); })
        .observe(document.body, {subtree: true, childList: true, characterData: true}); }""")
    from playwright.sync_api import expect

    page.locator("#nb-upload input[type='file']").set_input_files([str(pdf)])
    try:  # a picture of the progress, when the machine is slow enough to catch it
        expect(page.locator("#nb-upload-log").locator("..")).to_contain_text("：解析表格和正文", timeout=UPLOAD_TIMEOUT)
        page.screenshot(path=str(ARTIFACTS / "upload-progress.png"))
    except AssertionError:
        pass
    expect(page.locator("#nb-ingest-log")).to_contain_text("✓ hongze-2024.pdf", timeout=UPLOAD_TIMEOUT)
    seen = page.evaluate("() => window.__seen")
    stages = [t for t in seen if "正在导入 hongze-2024.pdf（1/1）" in t]
    assert stages, seen
    assert any(s in t for t in stages for s in ("解析表格和正文", "计算文本向量", "写入数据库")), stages
    percents = {float(m) for t in stages for m in re.findall(r"(\d+(?:\.\d+)?)\s*%", t)}
    assert any(0 < p < 100 for p in percents), (percents, stages)


def test_empty_question_says_what_to_do(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.locator("#nb-send").click()
    note = page.locator("#nb-ask-note")
    expect(note).to_contain_text("请先在输入框里写下问题", timeout=10_000)
    expect(note).to_be_in_viewport()
    expect(page.locator("#nb-chat [data-testid='bot']")).to_have_count(0)
    expect(_ask(page, Q_ZHONGWEI)).to_contain_text("209")  # a real question clears the note
    expect(note).not_to_contain_text("请先")
    page.locator("#nb-question textarea").fill("   ")
    page.locator("#nb-question textarea").press("Enter")  # blanks only: the same, and the answer stays
    expect(note).to_contain_text("请先在输入框里写下问题")
    expect(page.locator("#nb-chat [data-testid='bot']")).to_have_count(1)
    expect(page.locator("#nb-chat [data-testid='bot']").first).to_contain_text("209")


def _reports_fit(pg) -> dict:  # type: ignore[no-untyped-def]
    """Whether every cell of the reports table shows all of its text, and the page does not scroll sideways."""
    return pg.evaluate("""() => {
      const wrap = document.querySelector('#nb-reports .nb-reports-wrap').getBoundingClientRect();
      const cut = [...document.querySelectorAll('#nb-reports td, #nb-reports a')].filter(e => {
        const r = e.getBoundingClientRect();
        return e.scrollWidth > e.clientWidth + 1 || r.right > wrap.right + 1 || r.left < wrap.left - 1; })
        .map(e => e.textContent);
      return {cut, page: document.scrollingElement.scrollWidth, width: window.innerWidth,
              files: [...document.querySelectorAll('#nb-reports td.nb-file')].map(e => e.innerText)}; }""")


@pytest.mark.parametrize(("width", "height", "phone"), [(1366, 768, False), (390, 844, True)], ids=["1366px", "phone"])
def test_reports_table_is_readable(browser, running_app: App, width: int, height: int, phone: bool) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    with _open(browser, running_app.url, f"test_reports_table_is_readable-{width}px", width=width, height=height,
               phone=phone) as pg:
        _ensure(pg, ["hongze-2023.txt", "pingtan-2021.txt"])
        reports = pg.locator("#nb-reports")
        reports.scroll_into_view_if_needed()
        expect(reports).to_contain_text("中卫市")
        fit = _reports_fit(pg)
        assert not fit["cut"], fit
        assert fit["page"] <= fit["width"], fit  # no sideways scrolling of the page
        assert "pingtan-2021.txt" in fit["files"] and len(fit["files"]) >= 3, fit
        reports.screenshot(path=str(ARTIFACTS / f"reports-{width}px.png"))


def test_unresolved_rows_and_skipped_files_are_visible(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    (pingtan,) = _need("pingtan-2021.txt")
    notes = tmp_path / "notes.pptx"
    notes.write_bytes(b"PK\x03\x04 not a report")
    text = _upload(page, [pingtan, notes], "notes.pptx")
    assert "– notes.pptx" in text and "跳过" in text and "跳过 1 个" in text, text
    assert "✓ pingtan-2021.txt" in text and "未能确定 1 行" in text, text
    skipped = page.locator("#nb-upload-log .nb-skip")
    expect(skipped).to_contain_text("notes.pptx")
    # the reports table shows the row the parser could not place, without opening anything
    notes_row = page.locator("#nb-reports tr.nb-report-notes").filter(has_text="行政规范性文件")
    expect(notes_row).to_be_visible()
    expect(notes_row).to_contain_text("未能确定的行")
    expect(notes_row).to_contain_text("数字粘连")


def test_sources_open_the_original_at_the_cited_place(page, running_app: App) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    # a table row of a text report: its line, highlighted and scrolled to
    bubble = _ask(page, Q_ZHONGWEI)
    link = bubble.locator("a.nb-src-link").first
    expect(link).to_contain_text("zhongwei-2023.txt")
    with page.context.expect_page() as opened:
        link.click()
    report = opened.value
    report.wait_for_load_state()
    assert report.url.endswith("/text#L47"), report.url
    line = report.locator("#L47")
    expect(line).to_contain_text("本年新收政府信息公开申请数量")
    expect(line).to_contain_text("209")
    expect(line).to_be_in_viewport()
    assert report.evaluate("() => getComputedStyle(document.querySelector('#L47')).backgroundColor") != \
        report.evaluate("() => getComputedStyle(document.querySelector('#L46')).backgroundColor")
    report.screenshot(path=str(ARTIFACTS / "report-page-at-line.png"))
    report.close()

    # a sentence of prose: found in the text, at its line
    prose = _ask(page, "中卫市下一步打算怎么改进？")
    href = prose.locator("a.nb-src-link").first.get_attribute("href")
    hop = page.request.get(urllib.parse.urljoin(running_app.url, href), max_redirects=0)
    assert hop.status == 302, hop.status
    target = hop.headers["location"]
    line_no = int(target.rsplit("#L", 1)[1])
    shown = page.request.get(target.split("#")[0]).text()
    assert f'id="L{line_no}"' in shown
    line_text = re.search(rf'id="L{line_no}".*?class="tx">(.*?)</span>', shown).group(1)
    assert "下一步" in line_text, line_text

    # a table row of a PDF: the kept original at the cited page
    _ensure(page, ["hongze-2024.pdf"])
    pdf_bubble = _ask(page, "洪泽区2024年收到多少政府信息公开申请？")
    expect(pdf_bubble).to_contain_text("95")
    pdf_link = pdf_bubble.locator("a.nb-src-link").filter(has_text="hongze-2024.pdf")
    hop = page.request.get(urllib.parse.urljoin(running_app.url, pdf_link.get_attribute("href")), max_redirects=0)
    assert hop.status == 302 and hop.headers["location"].endswith("/original#page=3"), hop.headers
    original = page.request.get(hop.headers["location"].split("#")[0])
    assert original.headers["content-type"] == "application/pdf"
    assert original.body() == (REPORTS / "hongze-2024.pdf").read_bytes()

    # only ingested reports, only by their id
    for bad in ("report/0123456789abcdef/original", "report/..%2F..%2Fstore.sqlite/original", "report/x/text"):
        assert page.request.get(urllib.parse.urljoin(running_app.url, bad)).status == 404, bad


def test_thumbs_and_comment_are_stored_and_exported(page, running_app: App) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    bubble = _ask(page, Q_ZHONGWEI)
    expect(bubble).to_contain_text("209")
    buttons = page.locator("#nb-chat .message-buttons").last
    buttons.get_by_title("有用", exact=True).click()
    note = page.locator("#nb-feedback-note")
    expect(note).to_contain_text("「有用")
    buttons.get_by_title("有误", exact=True).click()  # changes the same entry
    expect(note).to_contain_text("「有误")
    box = page.locator("#nb-feedback-text textarea")
    expect(box).to_be_visible()
    box.fill("表格里是209，但我记得公告写的是210")
    page.locator("#nb-feedback-send").click()
    expect(note).to_contain_text("已收到您的说明")
    expect(page.locator("#nb-feedback")).to_be_hidden()

    env = {**os.environ, "ASSISTANT_HOME": str(running_app.home), "PYTHONIOENCODING": "utf-8"}
    run = subprocess.run([sys.executable, "-m", "assistant", "feedback", "--json"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    mine = [e for e in json.loads(run.stdout) if e["comment"] == "表格里是209，但我记得公告写的是210"]
    assert len(mine) == 1, run.stdout
    entry = mine[0]
    assert entry["rating"] == "down" and entry["question"] == Q_ZHONGWEI
    assert "209" in entry["answer"] and entry["sources"][0]["report"] == ZHONGWEI_REPORT
    assert entry["sources"][0]["location"] == "第47行"
    text = subprocess.run([sys.executable, "-m", "assistant", "feedback"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert "👎 说明：表格里是209" in text.stdout, text.stdout


ENGLISH_ALLOWED = {"PDF", "TXT", "Markdown", "DOCX", "HTML", "API", "md", "txt", "pdf", "hashing", "BM25", "MB"}  # MB: the upload size limit, as ingest words it


def test_gradio_labels_are_chinese_even_in_an_english_browser(browser, running_app: App) -> None:  # type: ignore[no-untyped-def]
    """Everything a user reads — text, tooltips, placeholders — is Chinese, in a browser set to English."""
    from playwright.sync_api import expect

    with _open(browser, running_app.url, "test_gradio_labels_are_chinese-en-US", locale="en-US") as pg:
        bubble = _ask(pg, Q_ZHONGWEI)
        expect(bubble).to_contain_text("209")
        pg.locator("#nb-chat .message-buttons").last.hover()
        shown = pg.evaluate("""() => { const out = [];
          const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          while (w.nextNode()) { const el = w.currentNode.parentElement;
            if (!el || el.closest('script,style,#nb-reports,.nb-src,#nb-upload-log')) continue;
            const r = el.getBoundingClientRect(); if (!r.width && !r.height) continue;
            out.push(w.currentNode.textContent.trim()); }
          for (const el of document.querySelectorAll('[title],[placeholder]'))
            for (const a of ['title', 'placeholder']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
          return out.filter(Boolean); }""")
        english = {w for t in shown for w in re.findall(r"[A-Za-z]{2,}", t)} - ENGLISH_ALLOWED
        assert not english, sorted(english)
        for title in ("复制这条消息", "有用", "有误", "清空对话"):
            assert title in shown, title
        # no Gradio footer: its API and settings pages are developer pages in English
        assert "通过 API 使用" not in shown and "设置" not in shown, [t for t in shown if "API" in t or "设置" in t]


def test_html_report_opens_at_its_line_and_never_runs_in_the_app(page, running_app: App, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An HTML report (the sample as paragraphs, with a script in it): its source opens the text as read at
    the cited line; the original only downloads, sandboxed, so its script never runs in the app's origin."""
    import html as html_lib

    from playwright.sync_api import expect

    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    report = tmp_path / "zhongwei-2023.html"
    report.write_text("<html><head><meta charset='utf-8'><script>window.__pwned = 1</script></head><body>"
                      + "".join(f"<p>{html_lib.escape(line)}</p>\n" for line in lines) + "</body></html>",
                      encoding="utf-8")
    _upload(page, [report], "✓ zhongwei-2023.html")
    bubble = _ask(page, Q_ZHONGWEI)
    expect(bubble).to_contain_text("209")
    link = bubble.locator("a.nb-src-link").filter(has_text="zhongwei-2023.html")
    with page.context.expect_page() as opened:
        link.click()
    shown = opened.value
    shown.wait_for_load_state()
    number = int(shown.url.rsplit("#L", 1)[1])
    line = shown.locator(f"#L{number}")
    expect(line).to_contain_text("本年新收政府信息公开申请数量")
    expect(line).to_contain_text("209")
    expect(line).to_be_in_viewport()
    assert shown.evaluate("() => window.__pwned") is None
    original = page.request.get(shown.url.split("#")[0].rsplit("/", 1)[0] + "/original")
    assert original.ok and original.body() == report.read_bytes()
    assert original.headers["content-disposition"].startswith("attachment")
    assert original.headers["content-security-policy"] == "sandbox"
    assert original.headers["x-content-type-options"] == "nosniff"
    shown.close()


def test_upload_over_the_size_limit_is_named_in_chinese_and_the_rest_goes_in(page, running_app: App,  # type: ignore[no-untyped-def]
                                                                            tmp_path: Path) -> None:
    from playwright.sync_api import expect

    big = tmp_path / "大报告.pdf"
    with big.open("wb") as f:  # 31.5 MB against the default 30 MB limit (sparse: nothing is read)
        f.truncate(int(31.5 * 1024 * 1024))
    small = tmp_path / "zhongwei-2023.txt"
    small.write_bytes(SAMPLE.read_bytes())
    refused = page.locator("#nb-upload-refused")
    line = "✗ 大报告.pdf: 文件过大：31.5 MB，超过上限 30 MB（设置项 ASSISTANT_MAX_FILE_MB），未上传。"
    text = _upload(page, [big, small], "✓ zhongwei-2023.txt")  # the file under the limit still goes in
    expect(refused).to_have_text(line)
    assert "大报告" not in text
    page.screenshot(path=str(ARTIFACTS / "upload-over-limit.png"))
    # the big file alone: nothing is sent, the page says why; Gradio's English check never shows
    page.locator("#nb-upload input[type='file']").set_input_files([str(big)])
    expect(refused).to_have_text(line)
    page.wait_for_timeout(1000)
    body = page.locator("body").inner_text()
    assert "exceed" not in body.lower() and not page.dialogs, (body[-500:], page.dialogs)  # type: ignore[attr-defined]
    assert running_app.temp is not None
    kept = [p.name for p in running_app.temp.rglob("*") if p.is_file()]
    assert not set(kept) & {"大报告.pdf", "zhongwei-2023.txt"}, kept  # Gradio's copy deleted after its ingest
