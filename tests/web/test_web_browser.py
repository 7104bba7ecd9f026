"""The web chat in a real browser: Debian's chromium + chromedriver, driven by Selenium, against
the real `coach web` server (a subprocess, COACH_ACCESS=invite, SQLite) and invite links from
the real `coach invite create --channel web`.

One user (a 360-px phone screen) opens an invite link, taps buttons, asks a lesson question by
typing, taps "Lees meer", answers the reflection question and its follow-up, reloads, finds the
conversation and the notebook, exports and erases; a second user (a desktop browser of its own,
own profile and cookie jar) never sees the first one's data. axe-core (selenium-axe-python)
checks WCAG 2.1 A/AA on both screens; screenshots land in the test's tmp_path. What is stored
in the database is read after each step that should change it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium_axe_python import Axe
from sqlalchemy import func, select

from bot.settings import PROJECT_ROOT
from bot.storage.db import make_engine
from bot.storage.models import Reflection, User, WebSession
from tests.infra import free_port

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
)

QUESTION = "werkgever wil geen vrouw met een hoofddoek aannemen"
ANSWER = "Ik merkte dat ik snel een oordeel had en te weinig doorvroeg bij de werkgever."
FOLLOW_UP = "Volgende keer vraag ik eerst wat de kandidaat zelf belangrijk vindt."
WAIT = 40.0  # seconds for one reply (the first turn loads the NLU model in the server)
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


class Server:
    def __init__(self, tmp_path: Path, model_dir: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.database = f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"
        self.env = {
            **os.environ,
            "COACH_DATA_DIR": str(tmp_path),
            "COACH_DATABASE_URL": self.database,
            "COACH_MODEL_DIR": str(model_dir),
            "COACH_ACCESS": "invite",
            "COACH_WEB_PUBLIC_URL": self.base,
            "COACH_LOG_LEVEL": "WARNING",
        }
        self.env.pop("COACH_REDIS_URL", None)
        self.proc: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", *args],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        return done.stdout.decode().strip()

    def invite(self) -> str:
        link = self.cli("invite", "create", "--org", "Gemeente Testdorp", "--channel", "web")
        assert link.startswith(self.base + "i/"), link
        return link

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot.cli",
                "web",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.proc.communicate()[1].decode()[-2000:]
            try:
                with urllib.request.urlopen(self.base + "healthz", timeout=2) as res:
                    if res.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        raise TimeoutError("coach web did not become healthy")

    def stop(self) -> str:
        assert self.proc is not None
        self.proc.terminate()
        try:
            return self.proc.communicate(timeout=30)[1].decode()
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.communicate()[1].decode() + "\nERROR: did not stop on SIGTERM"

    def count(self, model: Any, *where: Any) -> int:
        async def go() -> int:
            engine = make_engine(self.database)
            try:
                async with engine.connect() as conn:
                    query = select(func.count()).select_from(model).where(*where)
                    return int((await conn.execute(query)).scalar_one())
            finally:
                await engine.dispose()

        return asyncio.run(go())

    def user_ids(self) -> list[int]:
        async def go() -> list[int]:
            engine = make_engine(self.database)
            try:
                async with engine.connect() as conn:
                    rows = await conn.execute(select(User.id).order_by(User.id))
                    return [int(r[0]) for r in rows]
            finally:
                await engine.dispose()

        return asyncio.run(go())


@pytest.fixture
def server(nlu: object, model_dir: Path, tmp_path: Path) -> Iterator[Server]:
    """`coach web` on a free port; `nlu` has trained the model it loads into `model_dir`."""
    made = Server(tmp_path, model_dir)
    made.invite()  # the schema exists before the server starts (one migrator at a time)
    made.start()
    try:
        yield made
    finally:
        err = made.stop()
        assert "Traceback" not in err and "ERROR" not in err, err[-3000:]


class Browser:
    """One Chromium with a profile (cookies, sessionStorage) and download folder of its own."""

    def __init__(self, folder: Path, width: int, height: int, mobile: bool) -> None:
        self.downloads = folder / "downloads"
        self.downloads.mkdir(parents=True)
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for arg in (
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            f"--user-data-dir={folder / 'profile'}",
            f"--window-size={max(width, 500)},{height}",
        ):
            options.add_argument(arg)
        options.add_experimental_option(
            "prefs",
            {
                "download.default_directory": str(self.downloads),
                "download.prompt_for_download": False,
            },
        )
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        self.driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior",
            {"behavior": "allow", "downloadPath": str(self.downloads)},
        )
        self.driver.execute_cdp_cmd(  # the viewport itself: headless windows are >= 500 px
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
        )

    def quit(self) -> None:
        self.driver.quit()

    # -- reading the page --------------------------------------------------------------
    def log_text(self) -> str:
        return "\n".join(li.text for li in self.driver.find_elements(By.CSS_SELECTOR, "#log li"))

    def bot_count(self) -> int:
        return len(self.driver.find_elements(By.CSS_SELECTOR, "#log li.bot"))

    def wait_for(self, text: str, after: int = 0) -> str:
        """Wait until a coach reply after the first `after` ones contains `text`; those replies."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            replies = self.driver.find_elements(By.CSS_SELECTOR, "#log li.bot")[after:]
            joined = "\n".join(r.text for r in replies)
            if replies and text in joined:
                return joined
            time.sleep(0.2)
        raise AssertionError(f"no reply with {text!r}; the page says:\n{self.log_text()[-3000:]}")

    def focused_id(self) -> str:
        return str(self.driver.switch_to.active_element.get_attribute("id"))

    def errors(self) -> list[str]:
        return [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]

    # -- acting ------------------------------------------------------------------------
    def type(self, text: str) -> None:
        self.driver.find_element(By.ID, "text").send_keys(text, Keys.ENTER)

    def tap(self, label: str) -> None:
        """Tap the last enabled button in the conversation whose label starts with `label`."""
        buttons = [
            b
            for b in self.driver.find_elements(By.CSS_SELECTOR, "#log li.bot .choices button")
            if b.is_enabled() and b.text.startswith(label)
        ]
        assert buttons, f"no button {label!r}; the page says:\n{self.log_text()[-3000:]}"
        buttons[-1].click()

    def key_to(self, label: str, back: bool = False, limit: int = 80) -> None:
        """Keyboard only: (Shift+)Tab until the focused element's text starts with `label`,
        then Enter."""
        for _ in range(limit):
            chain = ActionChains(self.driver)
            if back:
                chain.key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT)
            else:
                chain.send_keys(Keys.TAB)
            chain.perform()
            active = self.driver.switch_to.active_element
            if active.text.strip().startswith(label):
                active.send_keys(Keys.ENTER)
                return
        raise AssertionError(f"{label!r} not reached with the keyboard")

    def menu(self, label: str) -> None:
        self.driver.find_element(By.CSS_SELECTOR, ".menu summary").click()
        self.driver.find_element(By.XPATH, f"//nav//button[normalize-space()='{label}']").click()

    def axe(self) -> list[dict[str, Any]]:
        """axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it is now."""
        Axe(self.driver).inject()
        found = self.driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
            ".then(function (r) { done(r.violations); });",
            WCAG,
        )
        return [v for v in found if v["impact"] in ("serious", "critical")]

    def downloaded(self, count: int) -> list[Path]:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            files = [p for p in self.downloads.iterdir() if not p.name.endswith(".crdownload")]
            if len(files) >= count:
                return sorted(files)
            time.sleep(0.2)
        raise AssertionError(f"{count} downloads expected, found {list(self.downloads.iterdir())}")


def report(violations: list[dict[str, Any]]) -> str:
    return Axe.report(violations)


def onboard(browser: Browser, link: str, keyboard: bool = False) -> None:
    """Open the invite link and answer the two onboarding buttons (tapped, or by keyboard:
    Shift+Tab back from the input, where the focus is, to the newest button)."""
    browser.driver.get(link)
    browser.wait_for("Wat is je rol?")
    assert browser.driver.current_url.rstrip("/") + "/" == link.split("i/")[0]  # code not kept
    assert browser.focused_id() == "text"
    if keyboard:
        browser.key_to("Klantmanager", back=True)
    else:
        browser.tap("Klantmanager")
    browser.wait_for("Ben je nieuw")
    seen = browser.bot_count()
    if keyboard:
        browser.key_to("Nee", back=True)
    else:
        browser.tap("Nee")
    time.sleep(0.5)
    deadline = time.monotonic() + WAIT
    while browser.bot_count() == seen and time.monotonic() < deadline:
        time.sleep(0.2)


def test_web_chat_in_chromium(server: Server, tmp_path: Path) -> None:
    phone = Browser(tmp_path / "phone", 360, 740, mobile=True)
    desktop: Browser | None = None
    try:
        # -- one user on a phone: invite link, buttons, a typed question, Lees meer --------
        onboard(phone, server.invite())
        assert server.user_ids() and server.count(WebSession) == 1
        (first,) = server.user_ids()
        assert phone.focused_id() == "text"  # focus stays on the input
        seen = phone.bot_count()
        phone.type(QUESTION)
        lesson = phone.wait_for("Wil je hier even bij stilstaan?", after=seen)
        assert "Bron:" in lesson
        bold = phone.driver.find_elements(By.CSS_SELECTOR, "#log li.bot b")
        assert bold and all(b.text.strip() for b in bold)  # bold is bold, not **stars**
        assert "**" not in phone.log_text() and "<b>" not in phone.log_text()
        seen = phone.bot_count()
        phone.tap("Lees meer")
        more = phone.wait_for("Bron:", after=seen)
        assert len(more) > 200, more  # the full text of the lesson, in the conversation
        assert phone.focused_id() == "text"
        # -- the reflection question and its follow-up, answered by typing -----------------
        seen = phone.bot_count()
        phone.type(ANSWER)
        phone.wait_for("Zal ik het bewaren?", after=seen)  # issue 12: shown, kept after a yes
        assert server.count(Reflection, Reflection.user_id == first) == 0
        seen = phone.bot_count()
        phone.tap("Ja, bewaar")
        phone.wait_for("Nog één stap verder", after=seen)  # the follow-up question
        assert server.count(Reflection, Reflection.user_id == first) == 1
        seen = phone.bot_count()
        phone.type(FOLLOW_UP)
        phone.wait_for("Zal ik het bewaren?", after=seen)
        seen = phone.bot_count()
        phone.type("ja")
        phone.wait_for("Bewaard", after=seen)
        assert server.count(Reflection, Reflection.user_id == first) == 2
        assert server.count(Reflection, Reflection.parent_id.is_not(None)) == 1
        phone.driver.save_screenshot(str(tmp_path / "phone-360.png"))
        width = phone.driver.execute_script("return document.documentElement.clientWidth")
        scroll = phone.driver.execute_script("return document.documentElement.scrollWidth")
        assert width == 360 and scroll <= 360  # nothing wider than the phone
        bad = phone.axe()
        assert not bad, report(bad)

        # -- reload: the conversation and the notebook are still there -----------------------
        phone.driver.refresh()
        phone.wait_for("Wil je hier even bij stilstaan?")
        assert QUESTION in phone.log_text() and ANSWER in phone.log_text()
        seen = phone.bot_count()
        phone.menu("Mijn notitieboek")
        notebook = phone.wait_for(ANSWER[:40], after=seen)
        assert "Je notitieboek is nog leeg" not in notebook
        phone.driver.find_element(By.CSS_SELECTOR, ".menu summary").click()  # menu open
        bad = phone.axe()
        assert not bad, report(bad)
        phone.driver.find_element(By.CSS_SELECTOR, ".menu summary").click()

        # -- export: the files download and hold the answer ----------------------------------
        seen = phone.bot_count()
        phone.menu("Al mijn gegevens downloaden")
        phone.wait_for("Hier zijn al je gegevens", after=seen)
        links = phone.driver.find_elements(By.CSS_SELECTOR, "#log a.download")
        assert len(links) >= 2, phone.log_text()[-2000:]
        for link in links:
            link.click()
        files = phone.downloaded(len(links))
        assert any(ANSWER in f.read_text(encoding="utf-8", errors="replace") for f in files)

        # -- another user, a desktop browser of its own: none of the first one's data -------
        desktop = Browser(tmp_path / "desktop", 1280, 900, mobile=False)
        onboard(desktop, server.invite(), keyboard=True)  # keyboard only, on this one
        second = next(i for i in server.user_ids() if i != first)
        assert QUESTION not in desktop.log_text() and ANSWER not in desktop.log_text()
        seen = desktop.bot_count()
        desktop.key_to("Menu", back=True)  # the menu opens with Enter
        desktop.key_to("Mijn notitieboek")
        assert "Je notitieboek is nog leeg" in desktop.wait_for("notitieboek is", after=seen)
        seen = desktop.bot_count()
        desktop.menu("Al mijn gegevens downloaden")
        desktop.wait_for("Hier zijn al je gegevens", after=seen)
        for link in desktop.driver.find_elements(By.CSS_SELECTOR, "#log a.download"):
            link.click()
        for f in desktop.downloaded(2):
            assert ANSWER not in f.read_text(encoding="utf-8", errors="replace")
        assert server.count(Reflection, Reflection.user_id == second) == 0
        desktop.driver.save_screenshot(str(tmp_path / "desktop.png"))
        bad = desktop.axe()
        assert not bad, report(bad)
        desktop.driver.get(server.base + "privacy")
        assert "Wat de coach bewaart" in desktop.driver.page_source
        bad = desktop.axe()
        assert not bad, report(bad)

        # -- erase: /vergeet from the menu, confirmed; nothing of the first user is left -----
        seen = phone.bot_count()
        phone.menu("Al mijn gegevens wissen")
        phone.wait_for("Ja, wis alles", after=seen)
        phone.tap("Ja, wis alles")
        deadline = time.monotonic() + WAIT
        while phone.driver.find_element(By.ID, "text").is_enabled():
            assert time.monotonic() < deadline, phone.log_text()[-2000:]
            time.sleep(0.2)
        assert server.count(User, User.id == first) == 0
        assert server.count(Reflection, Reflection.user_id == first) == 0
        assert server.count(WebSession, WebSession.user_id == first) == 0
        assert server.user_ids() == [second]  # the other user is untouched
        for browser in (phone, desktop):  # no script, CSP or loading error on any page
            assert not browser.errors(), browser.errors()
        phone.driver.refresh()  # the cookie is gone and the tab's copy of the talk too
        phone.wait_for("niet (meer) aangemeld")
        assert QUESTION not in phone.log_text()
        assert all("api/session" in e and "401" in e for e in phone.errors())  # refused
        assert (tmp_path / "phone-360.png").stat().st_size > 1000
        assert (tmp_path / "desktop.png").stat().st_size > 1000
    finally:
        phone.quit()
        if desktop is not None:
            desktop.quit()
