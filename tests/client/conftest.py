"""A real headless Chromium driven by Selenium, with a fake microphone playing a WAV."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import audio

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
PHONE = (412, 915)


@pytest.fixture(scope="session")
def answer_wav(tmp_root: Path) -> Path:
    path = tmp_root / "answer.wav"
    path.write_bytes(audio.tone_wav(seconds=6.0, rate=48000))
    return path


@pytest.fixture(scope="module")
def fake_mic(answer_wav: Path) -> str:
    """What the fake microphone plays: a WAV, looped (a module may give its own, `FILE%noloop`
    to play it once from when the page opens the microphone)."""
    return str(answer_wav)


@pytest.fixture(scope="module")
def browser(fake_mic: str) -> Iterator["webdriver.Chrome"]:  # noqa: F821
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        missing = "needs chromium and chromedriver (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):  # CI installs them (`make browser`): missing there is a failure
            pytest.fail(missing)
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        f"--window-size={PHONE[0]},{PHONE[1]}",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={fake_mic}",
        "--autoplay-policy=no-user-gesture-required",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def shots(tmp_path: Path, browser) -> Iterator:
    """`shots("name")` saves a full-page screenshot under this test's tmp dir."""
    folder = tmp_path / "screenshots"
    folder.mkdir()

    def take(name: str) -> Path:
        path = folder / f"{name}.png"
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(PHONE[0], max(PHONE[1], height + 120))
        browser.execute_script("window.scrollTo(0, 0)")  # the whole page, from its top
        browser.save_screenshot(str(path))
        browser.set_window_size(*PHONE)
        return path

    yield take
    print(f"screenshots in {folder}")
