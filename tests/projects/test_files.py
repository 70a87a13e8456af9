"""Uploaded files: accepted by what they are, not what they are called; capped in size; kept
outside the web root under random names; handed out only to the team, as downloads."""

from __future__ import annotations

import io
import zipfile

import pytest

from core.settings import get_settings
from core.uploads import UploadRefused
from projects.services import files
from projects.services.forms import Upload
from projects.tables import Attachment
from tests.projects.factories import PDF, PNG, docx, make_member, make_milestone, make_project
from tests.support.factories import make_user, post_form, sign_in


def office(main_part: str, *extra: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(main_part, "<x/>")
        for name in extra:
            package.writestr(name, "x")
    return buffer.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 16


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("report.pdf", PDF, "pdf"),
        ("photo.png", PNG, "png"),
        ("photo.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 16, "jpg"),
        ("photo.webp", WEBP, "webp"),
        ("minutes.docx", docx(), "docx"),
        ("budget.xlsx", office("xl/workbook.xml"), "xlsx"),
        ("slides.pptx", office("ppt/presentation.xml"), "pptx"),
        ("old.doc", OLE, "doc"),
        ("old.xls", OLE, "xls"),
        ("renamed.txt", PDF, "pdf"),  # the content decides, and the name follows it
    ],
)
def test_allowed_kinds_are_recognised_by_their_content(name, content, extension) -> None:
    checked = files.check(Upload(name, content))
    assert checked.extension == extension
    assert checked.name.endswith("." + extension)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("invoice.pdf", b"MZ\x90\x00\x03" + b"\x00" * 64),  # a Windows program
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
        ("drawing.png", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("archive.docx", office("other.xml")),  # a zip, but not an Office document
        ("macros.docm", office("word/document.xml", "word/vbaProject.bin")),
        ("plain.zip", b"PK\x03\x04" + b"\x00" * 30),
        ("message.msg", OLE),  # an OLE container that is not a Word/Excel/PowerPoint file
        ("empty.pdf", b""),
    ],
)
def test_other_files_are_refused_whatever_they_are_called(name, content) -> None:
    with pytest.raises(UploadRefused):
        files.check(Upload(name, content))


def test_files_over_the_size_cap_are_refused() -> None:
    with pytest.raises(UploadRefused) as refusal:
        files.check(Upload("huge.pdf", PDF + b"\x00" * files.MAX_BYTES))
    assert "20 MB" in refusal.value.message


def test_names_lose_their_folders_and_keep_a_true_extension() -> None:
    assert files.clean_name("../../etc/passwd", "pdf") == "passwd.pdf"
    assert files.clean_name("C:\\Users\\x\\отчёт.PDF", "pdf") == "отчёт.pdf"
    assert files.clean_name("evil.exe", "pdf") == "evil.exe.pdf"


async def test_a_team_member_downloads_and_others_get_nothing(client) -> None:
    project = await make_project()
    member = await make_member(project, "member")
    milestone = await make_milestone(project)
    await sign_in(client, member)
    await post_form(
        client,
        f"/en/account/projects/{project['slug']}/milestones/{milestone['id']}/edit",
        {
            "source_language": "en",
            "title_en": "Samples",
            "due_on": "2031-01-01",
            "status": "planned",
            "percent": "0",
            "version": "1",
        },
        files={"files": ("результаты.pdf", PDF, "application/pdf")},
    )
    row = await Attachment.select().first()
    stored = get_settings().data_dir / "uploads" / "projects" / row["stored_name"]
    assert stored.read_bytes() == PDF
    assert "результаты" not in row["stored_name"] and len(row["stored_name"]) >= 36

    url = f"/en/account/projects/{project['slug']}/files/{row['id']}"
    response = await client.get(url)
    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["x-content-type-options"] == "nosniff"

    await client.post("/en/account/logout", data={"_csrf_token": client.cookies["hongshan_csrf"]})
    stranger = await make_user("coordinator", email="stranger@example.org")
    await sign_in(client, stranger)
    refused = await client.get(url)
    assert refused.status_code == 404
    assert refused.content != PDF


async def test_images_may_show_inline_but_still_do_not_sniff(client) -> None:
    project = await make_project()
    member = await make_member(project, "member")
    milestone = await make_milestone(project)
    staged = files.stage([files.check(Upload("plan.png", PNG))])
    [file_id] = await files.insert(
        staged, project_id=project["id"], uploaded_by=None, milestone_id=milestone["id"]
    )
    await sign_in(client, member)
    response = await client.get(f"/en/account/projects/{project['slug']}/files/{file_id}")
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-disposition"].startswith("inline")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in response.headers["content-security-policy"]


async def test_a_form_too_large_to_read_is_refused_with_the_limit_in_the_readers_language(
    client,
) -> None:
    project = await make_project()
    member = await make_member(project, "member", language="ru")
    milestone = await make_milestone(project)
    await sign_in(client, member)
    page = f"/ru/account/projects/{project['slug']}/milestones/{milestone['id']}/edit"

    form = (await client.get(page)).text
    assert f'data-max-bytes="{20 * 1024 * 1024}"' in form
    assert "Выбранный файл больше 20 MB." in form

    refused = await post_form(
        client,
        page,
        {"version": "1"},
        files={"files": ("big.pdf", b"%PDF-" + b"0" * (30 * 1024 * 1024), "application/pdf")},
        headers={"referer": f"http://testserver.local{page}"},
    )

    assert refused.status_code == 413
    assert "не более 24 MB" in refused.text
    assert f'href="{page}" data-history-back' in refused.text
    assert await Attachment.count() == 0
