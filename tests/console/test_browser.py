"""End to end in a real headless Chromium (Debian's ``chromium`` and ``chromium-driver``, driven by
Selenium) against the app under gunicorn: log in, open a call's timeline, complete a callback.
Screenshots go to the test's tmp folder (printed at the end). Without Chromium these tests skip
saying why; with HOTLINE_REQUIRE_SERVICES=1 (CI) they fail instead."""

import shutil
from datetime import timedelta

import pytest
from sqlalchemy import select

from hotline.callbacks.models import CallbackRequest
from hotline.console.models import AuditEntry
from hotline.voice.models import Call
from tests.conftest import server_missing
from tests.console.conftest import PASSWORD
from tests.servers import gunicorn


@pytest.fixture
def browser(tmp_path):
    """Headless Chromium; its console log is checked for Content-Security-Policy violations."""
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver_path):
        server_missing("Chromium", "chromium or chromedriver is not on PATH; install Debian's packages: "
                                   "apt-get install -y chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                     "--lang=en-US", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


@pytest.fixture
def screenshots(tmp_path):
    folder = tmp_path / "screenshots"
    folder.mkdir()
    yield folder
    print(f"screenshots: {folder}")


def arrive(browser, url):
    """Wait for the page a click leads to (a click returns before the next page has loaded)."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    WebDriverWait(browser, 10).until(expected_conditions.url_to_be(url))


def submit(browser, button):
    """Click ``button`` and wait until the page it was on has been replaced by the next."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    page = browser.find_element(By.TAG_NAME, "html")
    button.click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(page))


def log_in(browser, base, name):
    from selenium.webdriver.common.by import By

    browser.get(base + "/console/calls/")
    assert "/console/login" in browser.current_url
    browser.find_element(By.NAME, "name").send_keys(name)
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    arrive(browser, base + "/console/calls/")  # back where the login was asked for


def no_policy_violations(browser):
    errors = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


def test_log_in_and_read_a_calls_timeline(app, runner, database_url, broker_url, store, operators, browser,
                                          screenshots):
    from selenium.webdriver.common.by import By

    # a real call through the webhooks: the language, benefits, food aid, "1" for the SMS (the caller
    # stays on food aid's keys), then "*" back to the benefits
    result = runner.invoke(args=["simulate", "call", "--from", "+79261234567", "--digits", "1,2,3,1,*"])
    assert result.exit_code == 0, result.output
    sid = store.scalar(select(Call.external_id))
    with gunicorn(database_url, broker_url) as server:
        log_in(browser, server.base, "bakyt")
        browser.find_element(By.CSS_SELECTOR, f'a[href="/console/calls/{sid}"]').click()
        arrive(browser, f"{server.base}/console/calls/{sid}")
        steps = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "ol.timeline li")]
        assert len(steps) == 6 and "benefits.food_aid" in steps[3] and "benefits.menu" in steps[5]
        assert "+7 926 ••• ••67" in browser.find_element(By.CSS_SELECTOR, "dl.facts").text
        assert "1227" in browser.find_element(By.CSS_SELECTOR, "ul.messages").text  # what was sent by SMS
        browser.save_screenshot(str(screenshots / "call-timeline.png"))
        no_policy_violations(browser)


def test_complete_a_callback(app, database_url, broker_url, store, operators, browser, screenshots):
    from selenium.webdriver.common.by import By

    oldest = store.callback("+79261234567", ago=timedelta(hours=26), timezone="Europe/Moscow", topic="benefits.food_aid",
                            attempts=[("no-answer", None), ("busy", None)], last_error="attempt 2: busy")
    store.callback("+996555123456", ago=timedelta(hours=3), topic="children.menu")
    store.callback("+77011234567", ago=timedelta(minutes=20), timezone="Asia/Almaty", source="missed_call")
    with gunicorn(database_url, broker_url) as server:
        log_in(browser, server.base, "bakyt")
        browser.find_element(By.LINK_TEXT, "Callbacks").click()
        arrive(browser, f"{server.base}/console/callbacks/")
        rows = browser.find_elements(By.CSS_SELECTOR, "table.queue tbody tr")
        assert [row.find_element(By.CSS_SELECTOR, "td").text for row in rows][0] == str(oldest)
        browser.save_screenshot(str(screenshots / "callback-queue.png"))

        rows[0].find_element(By.CSS_SELECTOR, "button[type=submit]").click()  # Claim
        arrive(browser, f"{server.base}/console/callbacks/{oldest}")
        assert "+7 926 123 4567" in browser.find_element(By.CSS_SELECTOR, "dd.callee").text  # mine: in full
        browser.find_element(By.CSS_SELECTOR, "form[action$='/complete'] textarea").send_keys(
            "Called back: she will apply for food aid at the ayil okmotu on Monday.")
        submit(browser, browser.find_element(By.CSS_SELECTOR, "button[name=complete]"))
        assert "Saved." in browser.find_element(By.CSS_SELECTOR, ".flash.ok").text
        assert "completed" in browser.find_element(By.CSS_SELECTOR, "h1").text
        browser.save_screenshot(str(screenshots / "callback-completed.png"))
        no_policy_violations(browser)

    request = store.get(CallbackRequest, oldest)
    assert request.status == CallbackRequest.COMPLETED and "ayil okmotu" in request.notes
    actions = store.scalars(select(AuditEntry.action).where(AuditEntry.target == f"callback:{oldest}")
                            .order_by(AuditEntry.id))
    assert actions == ["claim", "complete"]
