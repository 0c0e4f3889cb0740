"""Checking a file by its content and making it safe to keep: one function, `clean_upload`.

The type is read from the bytes (never the name or the browser's word): JPEG, PNG, HEIC (when
pillow-heif is installed) and PDF. Images are decoded within a pixel limit (decompression bombs
are refused before they are decoded) and written again from their pixels alone, so EXIF, GPS,
XMP and comments are gone; HEIC becomes JPEG. Every file first goes through the antivirus hook
if one is configured (sanshi.attachments.scan).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from sanshi.attachments import conf, scan
from sanshi.core.errors import InvalidInput

try:  # HEIC, where the well-kept reader installs (pyproject lists it)
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIC = True
except ImportError:  # pragma: no cover - the wheel is missing on this platform
    HEIC = False

THUMB_SIZE = (320, 320)
HEIC_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})
# A PDF that runs code or carries files is refused (names written with #xx escapes are not seen).
PDF_ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia")

JPEG, PNG, HEIF, PDF = "JPEG", "PNG", "HEIF", "PDF"


@dataclass(frozen=True)
class CleanFile:
    """A file made safe to keep: its new bytes, type and thumbnail (images only)."""

    data: bytes
    content_type: str
    extension: str
    name: str
    thumbnail: bytes | None = None
    width: int = 0
    height: int = 0

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def sniff(head: bytes) -> str:
    """The format the first bytes say, or "" for anything not taken."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"%PDF-"):
        return PDF
    if HEIC and head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return HEIF
    return ""


def refuse(message: str) -> InvalidInput:
    return InvalidInput(message, fields={"files": "invalid"})


def check_size(size: int, name: str) -> None:
    """Refuse a file over the limit before reading it."""
    if size > conf.max_bytes():
        raise refuse(
            _("文件“%(name)s”太大（%(size).1f MB），每个文件最大 %(limit)d MB。")
            % {"name": name[:60], "size": size / conf.MB, "limit": conf.max_bytes() // conf.MB}
        )


def clean_upload(data: bytes, name: str) -> CleanFile:
    """The file made safe to keep, or InvalidInput with a message for the person sending it."""
    name = (name or "file").replace("\x00", "")[-100:]
    check_size(len(data), name)
    if not data:
        raise refuse(_("文件“%(name)s”是空的。") % {"name": name})
    kind = sniff(data[:16])
    if not kind:
        raise refuse(
            _("文件“%(name)s”不是可接收的类型：只收照片（JPEG、PNG、HEIC）和 PDF。")
            % {"name": name}
        )
    scan.check(data, kind, name)
    if kind == PDF:
        return _pdf(data, name)
    return _image(data, kind, name)


def _pdf(data: bytes, name: str) -> CleanFile:
    if b"%%EOF" not in data[-2048:]:
        raise refuse(_("文件“%(name)s”不是完整的 PDF。") % {"name": name})
    if any(marker in data for marker in PDF_ACTIVE):
        raise refuse(
            _("文件“%(name)s”含有脚本或内嵌文件，不能接收；请另存为普通 PDF 或拍照上传。")
            % {"name": name}
        )
    return CleanFile(data, "application/pdf", "pdf", name)


def _image(data: bytes, kind: str, name: str) -> CleanFile:
    image = _decode(data, kind, name)
    image = ImageOps.exif_transpose(image)  # turned the way the camera meant, then no EXIF
    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert(
            "RGBA" if "transparency" in image.info or "A" in image.mode else "RGB"
        )
    keep_png = kind == PNG
    if not keep_png and image.mode == "RGBA":
        image = image.convert("RGB")
    image.info = {}  # nothing of the original's metadata goes along (XMP, ICC, comments)
    out = io.BytesIO()
    if keep_png:
        image.save(out, "PNG")
    else:
        image.save(out, "JPEG", quality=88)
    return CleanFile(
        out.getvalue(),
        "image/png" if keep_png else "image/jpeg",
        "png" if keep_png else "jpg",
        name,
        thumbnail=_thumbnail(image),
        width=image.width,
        height=image.height,
    )


def _decode(data: bytes, kind: str, name: str) -> Image.Image:
    """Open within the pixel limit; a bomb or a damaged file is refused with a message."""
    bomb = _("图片“%(name)s”的像素太多（超过 %(limit)d 万像素），不能接收。") % {
        "name": name,
        "limit": conf.max_pixels() // 10_000,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[kind])
            if image.width * image.height > conf.max_pixels():
                raise refuse(bomb)
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise refuse(bomb) from None
        except (OSError, SyntaxError, ValueError, UnidentifiedImageError):
            raise refuse(_("图片“%(name)s”已损坏，无法打开。") % {"name": name}) from None
    return image


def _thumbnail(image: Image.Image) -> bytes:
    thumb = image.copy()
    thumb.thumbnail(THUMB_SIZE)
    if thumb.mode == "RGBA":
        white = Image.new("RGB", thumb.size, "white")
        white.paste(thumb, mask=thumb.getchannel("A"))
        thumb = white
    elif thumb.mode != "RGB":
        thumb = thumb.convert("RGB")
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=75)
    return out.getvalue()


def clean_uploads(files: list[UploadedFile]) -> tuple[CleanFile, ...]:
    """Every uploaded file made safe, or InvalidInput for the first one refused (so that
    nothing is kept unless all of them are)."""
    if len(files) > conf.max_files():
        raise refuse(_("一次最多上传 %(n)d 个文件。") % {"n": conf.max_files()})
    cleaned = []
    for upload in files:
        name = upload.name or "file"
        check_size(upload.size or 0, name)  # before a byte of a 50 MB file is read
        cleaned.append(clean_upload(upload.read(conf.max_bytes() + 1), name))
    return tuple(cleaned)
