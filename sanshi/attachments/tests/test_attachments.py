from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from sanshi.attachments.access import read_bytes
from sanshi.attachments.models import Attachment, Source
from sanshi.attachments.sanitise import clean_upload
from sanshi.attachments.sealing import MAGIC
from sanshi.attachments.tests.helpers import (
    GPS_IFD,
    decompression_bomb,
    photo_with_gps,
    png_bytes,
    small_pdf,
    stored_files,
)
from sanshi.audit.models import AuditEntry
from sanshi.concerns.models import Concern
from sanshi.core.errors import InvalidInput
from sanshi.testing import World

pytestmark = pytest.mark.django_db

TEXT = "小区门口的路灯坏了好几天，晚上很黑"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program"


def report(client: Client, *files: SimpleUploadedFile, **fields: Any) -> Any:
    data: dict[str, Any] = {"text": TEXT, "consent": "on", "attachments": list(files)}
    data.update(fields)
    return client.post("/report/", data)


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def exif_of(data: bytes) -> dict[int, Any]:
    return dict(Image.open(io.BytesIO(data)).getexif())


# ---------------------------------------------------------------- cleaning


def test_a_phone_photo_loses_exif_gps_and_comment_and_is_turned_upright() -> None:
    original = photo_with_gps()
    source = Image.open(io.BytesIO(original))
    assert (source.size, source.getexif()[0x0112], source.getexif().get_ifd(GPS_IFD)[1]) == (
        (64, 48),
        6,
        "N",
    )
    clean = clean_upload(original, "IMG_0001.jpg")
    result = Image.open(io.BytesIO(clean.data))
    assert (clean.content_type, clean.extension, result.format) == ("image/jpeg", "jpg", "JPEG")
    assert exif_of(clean.data) == {}
    assert "exif" not in result.info and "comment" not in result.info
    assert b"Exif" not in clean.data and b"taken at home" not in clean.data
    assert (result.size, clean.width, clean.height) == ((48, 64), 48, 64)  # upright
    assert clean.thumbnail is not None
    assert Image.open(io.BytesIO(clean.thumbnail)).format == "JPEG"


def test_a_png_stays_png_with_its_transparency() -> None:
    clean = clean_upload(png_bytes(), "screen.png")
    result = Image.open(io.BytesIO(clean.data))
    assert (clean.content_type, result.format, result.mode, result.size) == (
        "image/png",
        "PNG",
        "RGBA",
        (40, 30),
    )


def test_heic_becomes_a_jpeg_without_metadata() -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    out = io.BytesIO()
    image = Image.new("RGB", (32, 24), (0, 90, 0))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    pillow_heif.from_pillow(image).save(out, format="HEIF", exif=exif.tobytes())
    clean = clean_upload(out.getvalue(), "IMG_0002.HEIC")
    assert (clean.content_type, Image.open(io.BytesIO(clean.data)).format) == ("image/jpeg", "JPEG")
    assert exif_of(clean.data) == {}


def test_the_type_comes_from_the_content_not_the_name() -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_upload(EXECUTABLE, "photo.jpg")
    assert refused.value.message == (
        "文件“photo.jpg”不是可接收的类型：只收照片（JPEG、PNG、HEIC）和 PDF。"
    )
    assert clean_upload(png_bytes(), "called-it.pdf").content_type == "image/png"


def test_a_pdf_is_kept_as_is_but_one_with_javascript_is_refused() -> None:
    assert clean_upload(small_pdf(), "证明.pdf").data == small_pdf()
    scripted = small_pdf().replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript>>")
    with pytest.raises(InvalidInput) as refused:
        clean_upload(scripted, "a.pdf")
    assert "含有脚本或内嵌文件" in refused.value.message


def test_a_damaged_image_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_upload(photo_with_gps()[:200], "half.jpg")
    assert refused.value.message == "图片“half.jpg”已损坏，无法打开。"


def refuse_everything(data: bytes, kind: str, name: str) -> str | None:
    return "Eicar-Test-Signature"


def scanner_down(data: bytes, kind: str, name: str) -> str | None:
    raise ConnectionRefusedError("clamd")


def test_the_antivirus_hook_refuses_and_a_failing_one_refuses_too(settings: Any) -> None:
    settings.SANSHI_ATTACHMENT_SCANNER = f"{__name__}.refuse_everything"
    with pytest.raises(InvalidInput) as infected:
        clean_upload(png_bytes(), "a.png")
    settings.SANSHI_ATTACHMENT_SCANNER = f"{__name__}.scanner_down"
    with pytest.raises(InvalidInput) as down:
        clean_upload(png_bytes(), "b.png")
    assert (infected.value.message, infected.value.fields) == (
        "文件“a.png”未通过安全检查，不能接收。",
        {"files": "infected"},
    )
    assert (down.value.message, down.value.fields) == (
        "暂时无法检查文件“b.png”是否安全，请稍后再试。",
        {"files": "unavailable"},
    )


# ---------------------------------------------------------------- the resident's form


def test_a_resident_attaches_a_photo_that_is_kept_sealed_without_exif(
    client: Client, world: World, guangxi: None, stored: Path
) -> None:
    response = report(client, upload("IMG_0001.jpg", photo_with_gps()), phone="13800000001")
    assert response.status_code == 302
    concern = Concern.objects.get()
    attachment = Attachment.objects.get()
    assert (attachment.concern_id, attachment.source, attachment.content_type) == (
        concern.pk,
        Source.RESIDENT,
        "image/jpeg",
    )
    assert attachment.name == "IMG_0001.jpg"
    files = stored_files(stored)
    assert len(files) == 2  # the photo and its thumbnail, under random names
    assert all("IMG_0001" not in str(p) for p in files)
    raw = (stored / attachment.file).read_bytes()
    assert raw.startswith(MAGIC) and b"\xff\xd8\xff" not in raw[:64]
    assert exif_of(read_bytes(attachment)) == {}
    assert (
        AuditEntry.objects.filter(action="attachment.added", object_id=str(concern.pk)).count() == 1
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.jpg", EXECUTABLE, "不是可接收的类型"),
        (
            "huge.jpg",
            b"\xff\xd8\xff\xe0" + b"\x00" * (50 * 1024 * 1024),
            "太大（50.0 MB），每个文件最大 10 MB",
        ),
        ("bomb.png", decompression_bomb(), "像素太多（超过 4000 万像素）"),
    ],
    ids=["renamed-executable", "50-MB-image", "decompression-bomb"],
)
def test_a_bad_file_gets_a_clear_message_and_nothing_is_stored(
    client: Client, world: World, guangxi: None, stored: Path, name: str, data: bytes, message: str
) -> None:
    response = report(client, upload(name, data), phone="13800000001")
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page and name in page
    assert (Concern.objects.count(), Attachment.objects.count(), stored_files(stored)) == (0, 0, [])


def test_one_bad_file_among_good_ones_keeps_them_all_out(
    client: Client, world: World, guangxi: None, stored: Path
) -> None:
    response = report(client, upload("a.jpg", photo_with_gps()), upload("b.jpg", EXECUTABLE))
    assert response.status_code == 400
    assert (Concern.objects.count(), Attachment.objects.count(), stored_files(stored)) == (0, 0, [])


def test_a_failure_after_the_files_are_written_leaves_no_file_and_no_row(
    world: World, stored: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sanshi.attachments.actions import attach_files

    def broken(rows: Any) -> Any:
        raise RuntimeError("audit chain unavailable")

    concern = world.concern()
    monkeypatch.setattr("sanshi.attachments.actions.record_audits", broken)
    clean = clean_upload(photo_with_gps(), "a.jpg")
    with pytest.raises(RuntimeError):
        attach_files(concern, [clean, clean], actor=None, source=Source.RESIDENT)
    assert (Attachment.objects.count(), stored_files(stored)) == (0, [])


# ---------------------------------------------------------------- who sees them


def protected_with_photo(world: World) -> tuple[Concern, Attachment]:
    from sanshi.attachments.actions import attach_files

    concern = world.concern(text="邻居家孩子天天被打", subcategory="children.abuse", protected=True)
    [attachment] = attach_files(
        concern, [clean_upload(photo_with_gps(), "x.jpg")], actor=None, source=Source.RESIDENT
    )
    return concern, attachment


def test_files_of_a_protected_concern_open_only_for_those_who_see_it_in_full(
    client: Client, world: World
) -> None:
    concern, attachment = protected_with_photo(world)
    url = f"/console/c/{concern.pk}/files/{attachment.pk}/"
    before = AuditEntry.objects.filter(action="attachment.read").count()
    answers = {}
    for user in (world.dispatcher, world.leader, world.outside_member, world.protection):
        client.force_login(user)
        answers[user.username] = (
            client.get(url).status_code,
            client.get(url + "thumb/").status_code,
        )
    assert answers == {
        "dispatcher": (404, 404),  # sees a redacted stub of it
        "leader": (404, 404),  # de-identified only
        "outside_member": (404, 404),  # another community
        "protection": (200, 200),
    }
    assert AuditEntry.objects.filter(action="attachment.read").count() == before + 1
    client.force_login(world.protection)
    response = client.get(url)
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert exif_of(response.content) == {}
    page = client.get(f"/console/c/{concern.pk}/").content.decode()
    assert f'src="/console/c/{concern.pk}/files/{attachment.pk}/thumb/"' in page
    client.force_login(world.dispatcher)
    stub = client.get(f"/console/c/{concern.pk}/").content.decode()
    assert "/files/" not in stub and 'id="attachments"' not in stub


def test_staff_attach_a_pdf_on_the_concern_page_and_a_stub_viewer_cannot(
    client: Client, world: World, stored: Path
) -> None:
    concern = world.concern()
    client.force_login(world.dispatcher)
    response = client.post(
        f"/console/c/{concern.pk}/files/",
        {"files": [upload("证明.pdf", small_pdf(), "application/pdf")]},
    )
    assert (response.status_code, response["Location"]) == (
        302,
        f"/console/c/{concern.pk}/#attachments",
    )
    attachment = Attachment.objects.get()
    assert (
        attachment.source,
        attachment.uploaded_by_id,
        attachment.content_type,
        attachment.thumbnail,
    ) == (Source.STAFF, world.dispatcher.pk, "application/pdf", "")
    assert read_bytes(attachment) == small_pdf()
    hidden, _attachment = protected_with_photo(world)
    files_before = stored_files(stored)
    denied = client.post(
        f"/console/c/{hidden.pk}/files/", {"files": [upload("a.png", png_bytes(), "image/png")]}
    )
    assert denied.status_code == 404
    assert (Attachment.objects.filter(concern=hidden).count(), stored_files(stored)) == (
        1,
        files_before,
    )


def test_staff_get_the_reason_a_file_is_refused(client: Client, world: World, stored: Path) -> None:
    concern = world.concern()
    client.force_login(world.dispatcher)
    response = client.post(
        f"/console/c/{concern.pk}/files/", {"files": [upload("setup.pdf", EXECUTABLE)]}, follow=True
    )
    assert "文件“setup.pdf”不是可接收的类型" in response.content.decode()
    assert (Attachment.objects.count(), stored_files(stored)) == (0, [])
