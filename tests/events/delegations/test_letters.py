"""Visa invitation letters and name badges: rendered by a worker, stored encrypted, in Chinese
plus Russian or English, mailed to the coordinator, downloadable by the office only."""

from __future__ import annotations

import email
import io
import json
import re
import shutil
import subprocess
import zipfile
from email.policy import default as default_policy

import pytest
import segno
from pypdf import PdfReader

from core.tables import AuditEntry, OutboxMessage
from events.delegations.services import documents, letters, retention, workflow
from events.delegations.tables import Delegate, VisaLetter
from events.services import registrations
from events.services.registrations import Person
from events.tables import Registration
from tests.events.delegations.factories import (
    city,
    conference,
    fresh,
    member,
    office,
    status_of,
    submitted,
)
from tests.support.factories import make_user, post_form, sign_in

SIGNATORY = {"signatory_name": "李娜", "signatory_title": "主任 / Director"}


def pdf_text(content: bytes) -> str:
    """The PDF's text without spaces: pypdf puts spaces or NULs between Chinese characters
    (poppler's pdftotext does not; the letters' ToUnicode maps are right)."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"[\s\x00]+", "", text)


async def _approved(event, *people):
    almaty = await city("almaty")
    fao = await office()
    delegation = await submitted(event, almaty, *people)
    await workflow.approve(fao["viewer"], delegation)
    return almaty, fao, await fresh(delegation)


async def test_office_generates_letters_a_worker_renders_them_and_the_coordinator_gets_them(
    client, run_jobs, mail_dir
) -> None:
    event = await conference()
    head = member(event, is_head="yes", passport_number="N11112222")
    guest = member(
        event,
        name_native="Jan Novák",
        name_latin="NOVAK JAN",
        name_zh="扬·诺瓦克",
        nationality="CZ",
        passport_number="CZ9876543",
    )
    stays_home = member(event, needs_letter="", passport_number="N33334444")
    almaty, fao, delegation = await _approved(event, head, guest, stays_home)

    await sign_in(client, fao["user"])
    response = await post_form(
        client, f"/en/manage/delegations/{delegation['id']}/letters", SIGNATORY
    )
    assert response.status_code == 200 and "being rendered" in response.text
    assert await status_of(delegation) == "approved"
    await run_jobs()
    assert await status_of(delegation) == "letters_issued"

    letters = await VisaLetter.select().order_by(VisaLetter.sequence)
    assert [row["status"] for row in letters] == ["ready", "ready"]
    assert [row["languages"] for row in letters] == ["zh+ru", "zh+en"]
    # Stored sealed, not as a PDF anyone with the database could read.
    assert not letters[0]["content"].startswith(b"%PDF")

    response = await client.get(f"/en/manage/delegations/letters/{letters[0]['id']}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "no-store" in response.headers["cache-control"]
    text = pdf_text(response.content)
    for expected in (
        "Айгүл Серікқызы Қасымова",  # Kazakh Cyrillic letters render
        "艾古丽",
        "N11112222",
        "1985-03-14",
        letters[0]["reference"],
        "跨区域协同创新年会",
        "ПРИГЛАШЕНИЕДЛЯОФОРМЛЕНИЯВИЗЫ",
        "李娜",
        "中华人民共和国驻哈萨克斯坦使（领）馆",
    ):
        assert expected.replace(" ", "") in text, expected
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1

    english = pdf_text(
        (await client.get(f"/en/manage/delegations/letters/{letters[1]['id']}")).content
    )
    assert "VISAINVITATIONLETTER" in english and "扬·诺瓦克" in english

    archive = await client.get(f"/en/manage/delegations/{delegation['id']}/letters.zip")
    assert archive.status_code == 200 and "no-store" in archive.headers["cache-control"]
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert names == [
        f"{letters[0]['reference']}-KASSYMOVA-AIGUL.pdf",
        f"{letters[1]['reference']}-NOVAK-JAN.pdf",
    ]
    downloads = await AuditEntry.select().where(
        AuditEntry.action.is_in(["visa_letter.download", "visa_letter.archive"])
    )
    assert len(downloads) == 3
    assert "N11112222" not in json.dumps(downloads, default=str)

    [mail] = [
        email.message_from_bytes(path.read_bytes(), policy=default_policy)
        for path in mail_dir.glob("delegation_letters*.eml")
    ]
    assert mail["To"] == almaty["user"]["email"]
    attached = [part.get_filename() for part in mail.iter_attachments()]
    assert attached == names
    # Once sent, the outbox row no longer keeps the files.
    assert await retention.scrub_letter_mail() == 1
    row = await OutboxMessage.select().where(OutboxMessage.template == "delegation_letters")
    assert "N11112222" not in json.dumps(row, default=str)
    assert "data_b64" not in json.dumps(row, default=str)


async def test_issuing_again_supersedes_the_earlier_letters(run_jobs) -> None:
    event = await conference()
    _almaty, fao, delegation = await _approved(event, member(event, is_head="yes"))
    await letters.issue_letters(fao["viewer"], delegation, SIGNATORY)
    await run_jobs()
    await letters.issue_letters(fao["viewer"], await fresh(delegation), SIGNATORY)
    await run_jobs()
    statuses = [row["status"] for row in await VisaLetter.select().order_by(VisaLetter.id)]
    assert statuses == ["superseded", "ready"]
    references = [row["reference"] for row in await VisaLetter.select()]
    assert len(set(references)) == 2


async def test_a_letter_that_fails_to_render_can_be_rendered_again(run_jobs, monkeypatch) -> None:
    event = await conference()
    _almaty, fao, delegation = await _approved(event, member(event, is_head="yes"))
    real = documents.visa_letter_pdf

    def broken(_data):
        raise RuntimeError("no paper")

    monkeypatch.setattr(documents, "visa_letter_pdf", broken)
    await letters.issue_letters(fao["viewer"], delegation, SIGNATORY)
    await run_jobs()
    [row] = await VisaLetter.select()
    assert row["status"] == "failed" and row["error"] == "RuntimeError"
    assert await status_of(delegation) == "approved"

    monkeypatch.setattr(documents, "visa_letter_pdf", real)
    assert await letters.retry_letters(fao["viewer"], delegation) == 1
    await run_jobs()
    assert (await VisaLetter.select())[0]["status"] == "ready"
    assert await status_of(delegation) == "letters_issued"


async def test_letters_need_a_signatory_and_an_approved_delegation(client) -> None:
    event = await conference()
    almaty = await city("almaty")
    fao = await office()
    delegation = await submitted(event, almaty, member(event, is_head="yes"))
    await sign_in(client, fao["user"])
    response = await post_form(client, f"/en/manage/delegations/{delegation['id']}/letters", {})
    assert response.status_code == 400
    assert "Enter who signs the letters." in response.text
    response = await post_form(
        client, f"/en/manage/delegations/{delegation['id']}/letters", SIGNATORY
    )
    assert "once the delegation is approved" in response.text
    assert await VisaLetter.count() == 0


async def test_organizers_cannot_download_letters(client, run_jobs) -> None:
    event = await conference()
    _almaty, fao, delegation = await _approved(event, member(event, is_head="yes"))
    await letters.issue_letters(fao["viewer"], delegation, SIGNATORY)
    await run_jobs()
    [letter] = await VisaLetter.select(VisaLetter.id)
    await sign_in(client, await make_user("admin"))
    assert (await client.get(f"/en/manage/delegations/letters/{letter['id']}")).status_code == 403
    path = f"/en/manage/delegations/{delegation['id']}/letters.zip"
    assert (await client.get(path)).status_code == 403


async def _qr_matches(pdf: bytes, code: str, tmp_path) -> bool:
    """Rasterise the first badge's QR area and compare every module with segno's matrix."""
    from PIL import Image

    (tmp_path / "badges.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "600", "-f", "1", "-l", "1", "-png", "-singlefile",
         str(tmp_path / "badges.pdf"), str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    image = Image.open(tmp_path / "page.png").convert("L")
    per_mm = image.width / 210
    margin_x = (210 - 2 * documents.BADGE_W - documents.BADGE_GAP_X) / 2
    margin_y = (297 - 4 * documents.BADGE_H - 3 * documents.BADGE_GAP_Y) / 2
    left = margin_x + documents.BADGE_W - documents.QR_SIZE - 3
    top = margin_y + documents.BADGE_H - documents.QR_SIZE - 10
    matrix = segno.make(code, error="m", micro=False).matrix
    module = documents.QR_SIZE / len(matrix)
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            x = (left + (column + 0.5) * module) * per_mm
            y = (top + (row + 0.5) * module) * per_mm
            if (image.getpixel((int(x), int(y))) < 128) != bool(dark):
                return False
    return True


async def test_badges_carry_names_organization_role_and_the_check_in_code(client, tmp_path) -> None:
    event = await conference()
    almaty = await city("almaty")
    fao = await office()
    [registration_id] = await registrations.register(
        event["id"], [Person("Айгүл Қасымова", "aigul@almaty.example.kz", "ru")]
    )
    head = member(event, is_head="yes", email="aigul@almaty.example.kz")
    await submitted(event, almaty, head, member(event, name_native="Ерлан", name_zh=""))
    code = await Registration.select(Registration.code).where(Registration.id == registration_id)
    code = code[0]["code"]
    linked = await Delegate.select(Delegate.registration).where(Delegate.is_head == True)
    assert linked[0]["registration"] == registration_id

    await sign_in(client, fao["user"])
    response = await client.get(f"/en/manage/delegations/badges.pdf?event={event['slug']}")
    assert response.status_code == 200 and "no-store" in response.headers["cache-control"]
    text = pdf_text(response.content)
    for expected in ("Айгүл", "艾古丽", "Ерлан", "代表团团长", "Главаделегации", "代表团成员"):
        assert expected in text, expected
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftoppm) is not installed")
    assert await _qr_matches(response.content, code, tmp_path)
