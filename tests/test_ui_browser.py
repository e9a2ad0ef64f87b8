"""End-to-end: start the real app (`python app.py`) on a fresh home and drive it with Debian Chromium.

Needs /usr/bin/chromium (apt-get install chromium) and the playwright Python package; skips, saying
which is missing, otherwise. Screenshots go to artifacts/ (repo-relative). Every wait has a timeout,
so a broken app fails fast instead of hanging."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, n: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("ui-home")
    log = home.parent / "app.log"
    port = _free_port()
    env = {**os.environ, "ASSISTANT_HOME": str(home), "ASSISTANT_ENCODER": "hashing",
           "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port),
           "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
           "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"}
    url = f"http://127.0.0.1:{port}/"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"app.py exited with {proc.returncode} before serving:\n{_tail(log)}")
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"app.py did not serve {url} within {START_TIMEOUT}s:\n{_tail(log)}")
            time.sleep(0.3)
        text = log.read_text(encoding="utf-8", errors="replace")
        assert "zhongwei-2023.txt" in text, f"the empty home should ingest the bundled sample first:\n{text}"
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=30_000)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, app_url: str, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    pg.set_default_navigation_timeout(30_000)
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    pg.goto(app_url, wait_until="domcontentloaded")
    pg.locator("#nb-question textarea").wait_for(state="visible")
    try:
        yield pg
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        try:
            pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True, timeout=15_000)
        finally:
            context.close()


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
    log = pg.locator("#nb-upload-log")
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
