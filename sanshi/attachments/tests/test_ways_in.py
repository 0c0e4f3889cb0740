"""Files through Open311 (multipart `media`) and the JSON API."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from sanshi.api.tests.conftest import Api
from sanshi.attachments.access import read_bytes
from sanshi.attachments.models import Attachment, Source
from sanshi.attachments.tests.helpers import photo_with_gps, png_bytes, stored_files
from sanshi.concerns.models import Concern
from sanshi.intake.actions import create_open311_key
from sanshi.testing import World

pytestmark = pytest.mark.django_db

EXECUTABLE = b"\x7fELF\x02\x01\x01" + b"\x00" * 100


def open311_post(client: Client, key: str, *files: SimpleUploadedFile) -> object:
    fields = {
        "api_key": key,
        "service_code": "community.environment",
        "address_string": "北海市海城区东街街道",
        "description": "楼道里堆满杂物，有火灾隐患",
        "media": list(files),
    }
    return client.post("/open311/v2/requests.json", fields)


def test_open311_takes_a_photo_as_multipart_media(
    client: Client, world: World, stored: Path
) -> None:
    key = create_open311_key("fixmystreet").raw
    response = open311_post(client, key, SimpleUploadedFile("p.jpg", photo_with_gps()))
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    assert (attachment.source, attachment.concern_id) == (Source.OPEN311, Concern.objects.get().pk)
    assert dict(Image.open(io.BytesIO(read_bytes(attachment))).getexif()) == {}
    # The public GET output never carries the file.
    [item] = json.loads(client.get(f"/open311/v2/requests/{attachment.concern_id}.json").content)
    assert item.get("media_url") in (None, "")


def test_open311_refuses_a_bad_file_with_its_reason_and_keeps_nothing(
    client: Client, world: World, stored: Path
) -> None:
    key = create_open311_key("fixmystreet").raw
    response = open311_post(client, key, SimpleUploadedFile("p.jpg", EXECUTABLE))
    assert response.status_code == 400
    assert json.loads(response.content) == [
        {
            "code": 400,
            "description": "文件“p.jpg”不是可接收的类型：只收照片（JPEG、PNG、HEIC）和 PDF。",
        },
        {"code": 400, "description": "files: invalid"},
    ]
    assert (Concern.objects.count(), Attachment.objects.count(), stored_files(stored)) == (0, 0, [])


def test_the_json_api_adds_lists_and_reads_files_for_full_viewers_only(
    world: World, stored: Path
) -> None:
    concern = world.concern(text="邻居家孩子天天被打", subcategory="children.abuse", protected=True)
    officer, dispatcher = Api(world.protection), Api(world.dispatcher)
    url = f"/api/v1/concerns/{concern.pk}/attachments"
    denied = dispatcher.client.post(
        url, {"files": [SimpleUploadedFile("a.png", png_bytes())]}, headers=dispatcher.headers
    )
    assert (denied.status_code, Attachment.objects.count(), stored_files(stored)) == (404, 0, [])
    made = officer.client.post(
        url, {"files": [SimpleUploadedFile("a.png", png_bytes())]}, headers=officer.headers
    )
    assert made.status_code == 201, made.content
    [row] = json.loads(made.content)
    assert (row["content_type"], row["width"], row["height"], row["source"]) == (
        "image/png",
        40,
        30,
        "api",
    )
    listed = officer.get(f"/concerns/{concern.pk}/attachments")
    assert [a["id"] for a in json.loads(listed.content)] == [row["id"]]
    assert dispatcher.get(f"/concerns/{concern.pk}/attachments").status_code == 404
    read = officer.get(f"/concerns/{concern.pk}/attachments/{row['id']}")
    assert (read.status_code, read["Content-Type"]) == (200, "image/png")
    assert Image.open(io.BytesIO(read.content)).size == (40, 30)
    assert dispatcher.get(f"/concerns/{concern.pk}/attachments/{row['id']}").status_code == 404
    bad = officer.client.post(
        url, {"files": [SimpleUploadedFile("x.png", EXECUTABLE)]}, headers=officer.headers
    )
    assert bad.status_code == 400
    assert json.loads(bad.content) == {
        "error": "invalid_input",
        "message": "请求有误，请检查标出的字段",
        "fields": {"files": "值无效"},
    }
    assert Attachment.objects.count() == 1


class PhotoHost(BaseHTTPRequestHandler):
    asked: list[str] = []

    def do_GET(self) -> None:
        PhotoHost.asked.append(self.path)
        if self.path == "/moved.jpg":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
            return
        body = photo_with_gps()
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def photo_host() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), PhotoHost)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    PhotoHost.asked = []
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_media_url_is_fetched_only_from_a_trusted_host_and_never_redirected(
    client: Client, world: World, stored: Path, settings: Any, photo_host: str
) -> None:
    key = create_open311_key("fixmystreet").raw
    fields = {
        "api_key": key,
        "service_code": "community.environment",
        "address_string": "北海市海城区东街街道",
        "description": "楼道里堆满杂物，有火灾隐患",
    }
    untrusted = client.post(
        "/open311/v2/requests.json", {**fields, "media_url": f"http://{photo_host}/p.jpg"}
    )
    assert (untrusted.status_code, PhotoHost.asked, Attachment.objects.count()) == (201, [], 0)
    settings.SANSHI_ATTACHMENT_FETCH_HOSTS = [photo_host]
    trusted = client.post(
        "/open311/v2/requests.json", {**fields, "media_url": f"http://{photo_host}/p.jpg"}
    )
    assert (trusted.status_code, PhotoHost.asked) == (201, ["/p.jpg"])
    attachment = Attachment.objects.get()
    assert (attachment.source, attachment.name) == (Source.OPEN311, "p.jpg")
    assert dict(Image.open(io.BytesIO(read_bytes(attachment))).getexif()) == {}
    moved = client.post(
        "/open311/v2/requests.json", {**fields, "media_url": f"http://{photo_host}/moved.jpg"}
    )
    assert moved.status_code == 400
    assert json.loads(moved.content)[0]["description"] == "无法取得 media_url 指向的文件。"
    assert (Concern.objects.count(), Attachment.objects.count()) == (2, 1)
