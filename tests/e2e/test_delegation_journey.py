"""Journey: a partner city's delegation, from a spreadsheet to visa letters and the pickups.

On the demo site (its own `serve --demo`): Almaty's coordinator, in Russian, takes up the
city's draft delegation to the annual conference in Urumqi, removes a member whose details
are missing, and imports five members from the XLSX template — one row departs before it
arrives, so nothing is imported — fixes the row, imports again and submits; the office
returns it with a comment (mailed in Russian); the coordinator fixes a flight number and
submits again; the office approves and generates the visa letters, which a worker renders;
the letter's text holds the member's Cyrillic and Chinese names and its first page is saved
as an image; the arrivals board lists the five.
"""

from __future__ import annotations

import email
import io
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from core import i18n
from events.delegations.services import vocabulary
from tests.support.live_server import ARTIFACTS, PageFactory, Shot, start_server

DEMO_PASSWORD = "hongshan-demo"
EVENT = "annual-conference"
WAIT_S = 30
COMMENT = "Уточните номер рейса вылета у Тимура Ахметова."
# native, Latin, Chinese, gender, nationality, passport, needs a letter, head
# fmt: off
PEOPLE = [
    ("Гүлмира Асқарқызы Бекова", "BEKOVA GULMIRA", "古丽米拉·别科娃", "Женский", "KZ", "N7700001",
     "Да", "Да"),
    ("Ерлан Нұрланұлы", "NURLANULY YERLAN", "", "Мужской", "Казахстан", "N7700002", "Да", ""),
    ("Дана Серікова", "SERIKOVA DANA", "", "Женский", "KZ", "N7700003", "Нет", ""),
    ("Тимур Ахметов", "AKHMETOV TIMUR", "帖木儿", "Мужской", "KZ", "N7700004", "Да", ""),
    ("Әсел Жұмабаева", "ZHUMABAYEVA ASSEL", "阿塞丽", "Женский", "KZ", "N7700005", "Нет", ""),
]
# fmt: on


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path_factory.mktemp("delegation-journey")
    with start_server(data_dir, "delegation-journey-server.log", "--demo") as url:
        yield url, data_dir


def sign_in(page: Page, base: str, lang: str, email_address: str) -> None:
    page.goto(f"{base}/{lang}/account/login")
    page.fill("#f-email", email_address)
    page.fill("#f-password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/{lang}/manage/")


def wait_for_mail(data_dir: Path, template: str) -> EmailMessage:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        for path in sorted((data_dir / "mail").glob(f"{template}*.eml")):
            return email.message_from_bytes(path.read_bytes(), policy=default_policy)
        time.sleep(0.2)
    raise AssertionError(f"no {template} mail within {WAIT_S} s")


def filled_template(template: bytes, starts: datetime, *, bad_row: int | None) -> bytes:
    """The downloaded template (Russian headings) with the five members, arriving the day
    before the event `starts` and leaving two days after; `bad_row` departs before it
    arrives."""
    with i18n.language("ru"):
        labels = vocabulary.field_labels()
    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    columns = {cell.value: cell.column for cell in sheet[1]}
    local = starts.astimezone(ZoneInfo("Asia/Urumqi"))
    arrival = (local - timedelta(days=1)).replace(hour=14, minute=35, tzinfo=None)
    departure = (local + timedelta(days=2)).replace(hour=9, minute=10, tzinfo=None)
    for index, person in enumerate(PEOPLE):
        native, latin, chinese, gender, country, passport, letter, head = person
        late = index == bad_row
        values = {
            "name_native": native,
            "name_latin": latin,
            "name_zh": chinese,
            "gender": gender,
            "date_of_birth": datetime(1980 + index, 3, 14),
            "nationality": country,
            "passport_number": passport,
            "passport_expires": (local + timedelta(days=1500)).strftime("%d.%m.%Y"),
            "job_title": "Специалист акимата",
            "organization_name": "Акимат города Алматы",
            "languages": "казахский, русский",
            "interpreter_language": "русский",
            "arrival_at": departure if late else arrival,
            "arrival_transport": "Самолёт",
            "arrival_number": "KC127",
            "arrival_place": "Аэропорт Урумчи",
            "departure_at": arrival if late else departure,
            "departure_transport": "Самолёт",
            "departure_number": "KC128",
            "departure_place": "Аэропорт Урумчи",
            "needs_letter": letter,
            "is_head": head,
        }
        for name, value in values.items():
            sheet.cell(row=index + 2, column=columns[labels[name]], value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(page: Page, path: Path, content: bytes) -> None:
    path.write_bytes(content)
    page.set_input_files("#f-file", str(path))
    page.locator("main form[enctype] button[type=submit]").click()


def test_a_delegation_goes_from_a_spreadsheet_to_visa_letters_and_the_arrivals_board(
    demo_site: tuple[str, Path], new_page: PageFactory, artifacts: Shot, tmp_path: Path
) -> None:
    base, data_dir = demo_site

    # --- the office, in Chinese, sees Almaty's draft among the conference's delegations ------
    office = new_page(locale="zh-CN")
    sign_in(office, base, "zh", "fao@example.org")
    office.goto(f"{base}/zh/manage/delegations/?event={EVENT}")
    expect(office.locator("table.delegations")).to_contain_text("阿拉木图市政府")
    artifacts(office, "01-office-delegations-zh")

    # --- the coordinator, in Russian, removes a member and imports five from the template -----
    coordinator = new_page(locale="ru-RU")
    sign_in(coordinator, base, "ru", "coordinator@example.org")
    coordinator.goto(f"{base}/ru/account/delegations/")
    coordinator.locator("main table a[href^='/ru/account/delegations/']").first.click()
    expect(coordinator).to_have_url(re.compile(r"/ru/account/delegations/\d+/$"))
    delegation_id = int(coordinator.url.rstrip("/").rsplit("/", 1)[1])
    artifacts(coordinator, "02-coordinator-draft-ru")
    incomplete = coordinator.locator("table.members tbody tr", has_text="Данияр")
    incomplete.locator("td.row-actions a").nth(1).click()  # remove, after confirming
    coordinator.locator("main form button[type=submit]").click()
    expect(coordinator).to_have_url(re.compile(r"\?removed=1#members$"))
    expect(coordinator.locator("table.members tbody tr")).to_have_count(2)
    coordinator.locator(f'a[href="/ru/account/delegations/{delegation_id}/import"]').click()
    with coordinator.expect_download() as download:
        coordinator.locator("a[href$='template.xlsx']").click()
    template = Path(download.value.path()).read_bytes()
    event = coordinator.context.request.get(f"{base}/api/v1/events/{EVENT}").json()
    starts = datetime.fromisoformat(event["starts_at"].replace("Z", "+00:00"))
    upload(coordinator, tmp_path / "members.xlsx", filled_template(template, starts, bad_row=3))
    report = coordinator.locator("section.import-report")
    expect(report).to_be_visible()
    expect(report.locator("tbody th[scope=row]")).to_have_text(["5"])  # the fourth member's row
    expect(report).to_contain_text("Тимур Ахметов")
    artifacts(coordinator, "03-coordinator-import-report-ru")
    coordinator.goto(f"{base}/ru/account/delegations/{delegation_id}/")
    expect(coordinator.locator("table.members tbody tr")).to_have_count(2)  # nothing imported

    coordinator.goto(f"{base}/ru/account/delegations/{delegation_id}/import")
    upload(coordinator, tmp_path / "members.xlsx", filled_template(template, starts, bad_row=None))
    expect(coordinator).to_have_url(re.compile(r"\?imported=5&updated=0$"))
    expect(coordinator.locator("table.members tbody tr")).to_have_count(7)
    coordinator.select_option("#f-protocol_rank", "head_of_department")
    coordinator.locator("form[action$='/rank'] button[type=submit]").click()
    artifacts(coordinator, "04-coordinator-imported-ru")
    coordinator.locator(f'a[href="/ru/account/delegations/{delegation_id}/submit"]').click()
    coordinator.locator("main form button[type=submit]").click()
    expect(coordinator).to_have_url(re.compile(r"\?submitted=1$"))

    # --- the office returns it with a comment, mailed to the coordinator in Russian ------------
    office.goto(f"{base}/zh/manage/delegations/{delegation_id}/")
    expect(office.locator("table.members")).to_contain_text("N7700001")  # in clear, for the office
    office.locator(f'a[href="/zh/manage/delegations/{delegation_id}/return"]').click()
    office.fill("#f-comment", COMMENT)
    artifacts(office, "05-office-return-zh")
    office.locator("form[action$='/return'] button[type=submit]").click()
    expect(office).to_have_url(re.compile(r"\?done=return$"))
    returned = wait_for_mail(data_dir, "delegation_returned")
    assert returned["To"] == "coordinator@example.org"
    assert COMMENT in returned.get_body(("plain",)).get_content()
    assert '<html lang="ru">' in returned.get_body(("html",)).get_content()

    # --- the coordinator fixes the flight and submits again ---------------------------------
    coordinator.goto(f"{base}/ru/account/delegations/{delegation_id}/")
    expect(coordinator.locator(".alert.error")).to_contain_text(COMMENT)
    expect(coordinator.locator("table.members")).not_to_contain_text("N7700004")  # masked
    timur = coordinator.locator("table.members tbody tr", has_text="Тимур Ахметов")
    timur.locator("td.row-actions a").first.click()
    coordinator.fill("#f-departure_number", "KC130")
    coordinator.locator("main form button[type=submit]").click()
    expect(coordinator).to_have_url(re.compile(r"\?saved=1#members$"))
    coordinator.locator(f'a[href="/ru/account/delegations/{delegation_id}/submit"]').click()
    coordinator.locator("main form button[type=submit]").click()
    expect(coordinator).to_have_url(re.compile(r"\?submitted=1$"))
    artifacts(coordinator, "06-coordinator-resubmitted-ru")

    # --- the office approves and generates the letters; a worker renders them ----------------
    office.goto(f"{base}/zh/manage/delegations/{delegation_id}/")
    office.locator("form[action$='/approve'] button[type=submit]").click()
    expect(office).to_have_url(re.compile(r"\?done=approve$"))
    office.locator(f'a[href="/zh/manage/delegations/{delegation_id}/letters"]').click()
    expect(office.locator("#f-signatory_name")).to_have_value("李娜")
    office.locator("form[action$='/letters'] button[type=submit]").click()
    expect(office).to_have_url(re.compile(r"\?done=letters$"))
    deadline = time.monotonic() + WAIT_S
    # Five letters (two members from the demo, three imported), each linked twice on the page.
    while office.locator("a[href*='/manage/delegations/letters/']").count() < 10:
        assert time.monotonic() < deadline, "letters were not rendered in time"
        time.sleep(0.5)
        office.reload()
    artifacts(office, "07-office-letters-ready-zh")
    aigul = office.locator("table.members tbody tr", has_text="N7700001")
    href = aigul.locator("a[href*='/manage/delegations/letters/']")
    response = office.context.request.get(base + href.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    pdf = response.body()
    (ARTIFACTS / "delegation-journey-letter.pdf").write_bytes(pdf)
    text = re.sub(
        r"[\s\x00]+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    )
    assert "ГүлмираАсқарқызыБекова" in text and "古丽米拉·别科娃" in text
    assert "N7700001" in text and "ПРИГЛАШЕНИЕ" in text
    if shutil.which("pdftotext"):
        poppler = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        assert "Гүлмира Асқарқызы Бекова" in poppler and "古丽米拉·别科娃" in poppler
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", "80", "-f", "1", "-l", "1", "-png", "-singlefile", "-",
             str(ARTIFACTS / "delegation-journey-letter-page1")],
            input=pdf,
            check=True,
        )  # fmt: skip
    letters = wait_for_mail(data_dir, "delegation_letters")
    attached = [part.get_filename() for part in letters.iter_attachments()]
    assert len(attached) == 5 and any(name.endswith("BEKOVA-GULMIRA.pdf") for name in attached)

    # --- the arrivals board lists them, for the pickups --------------------------------------
    office.goto(f"{base}/zh/manage/delegations/arrivals?event={EVENT}")
    board = office.locator("main")
    for native, *_rest in PEOPLE:
        expect(board).to_contain_text(native)
    expect(board).to_contain_text("KC127")
    artifacts(office, "08-office-arrivals-zh")
    office.goto(f"{base}/en/manage/delegations/arrivals?event={EVENT}")
    artifacts(office, "09-office-arrivals-en")
