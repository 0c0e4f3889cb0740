"""The certificate as a PDF (fpdf2), with its number and a QR code of its verification page.

The Chinese font is Debian's WenQuanYi Micro Hei (package fonts-wqy-microhei, installed by
.ci/run and `make demo`); a deployment may point SANSHI_CERTIFICATE_FONT at another
TrueType font or collection. fpdf2 embeds only the glyphs used, so a certificate is small.
"""

from __future__ import annotations

import io
from pathlib import Path

import segno
from django.conf import settings
from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import WrapMode

from sanshi.core.errors import SanshiError
from sanshi.volunteers.idcard import mask_id_number
from sanshi.volunteers.models import Certificate

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


class FontMissing(SanshiError):
    """No font with Chinese glyphs is installed: certificates cannot be drawn."""

    status = 503


def font_path() -> Path:
    configured = getattr(settings, "SANSHI_CERTIFICATE_FONT", "")
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise FontMissing(
        "no Chinese font for certificates: install Debian's fonts-wqy-microhei"
        " or set SANSHI_CERTIFICATE_FONT"
    )


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    """The certificate: who, what, how many hours, by whom, its number, date and QR code."""
    volunteer = certificate.volunteer
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(f"志愿服务记录证明 {certificate.number}")
    pdf.set_creator("sanshi")
    pdf.set_subject(certificate.number)  # plain ASCII in the file: machines can read it
    pdf.set_keywords(verify_url)
    pdf.add_font("cjk", fname=str(font_path()))
    pdf.add_page()
    pdf.set_draw_color(163, 18, 58)
    pdf.set_line_width(1.2)
    pdf.rect(12, 12, 186, 273)
    pdf.set_font("cjk", size=26)
    pdf.set_y(32)
    pdf.cell(0, 14, "志愿服务记录证明", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=11)
    pdf.cell(0, 7, "Volunteer Service Certificate", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("cjk", size=13)
    issued = timezone.localdate(certificate.issued_at)
    lines = [
        ("证书编号 No.", certificate.number),
        ("姓名 Name", volunteer.name),
        ("证件号码 ID", mask_id_number(volunteer.id_number)),
        ("服务组织 Organisation", certificate.org.name),
        (
            "服务期间 Period",
            f"{certificate.period_start:%Y-%m-%d} 至 {certificate.period_end:%Y-%m-%d}",
        ),
        ("服务记录 Records", f"{certificate.records} 次"),
        ("志愿服务时长 Hours", f"{certificate.hours} 小时"),
        ("出具日期 Issued", f"{issued:%Y-%m-%d}"),
    ]
    for label, value in lines:
        pdf.set_x(28)
        pdf.cell(62, 11, label)
        pdf.cell(0, 11, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_x(28)
    pdf.set_font("cjk", size=11)
    pdf.multi_cell(
        154,
        7,
        f"兹证明{volunteer.name}同志作为巾帼志愿者参加志愿服务，经服务组织记录并确认，"
        f"累计志愿服务时长{certificate.hours}小时（不含往返交通时间）。"
        "扫描二维码或在网站输入证书编号可核验本证明。",
        wrapmode=WrapMode.CHAR,
    )
    pdf.set_x(28)
    pdf.set_font("cjk", size=9)
    pdf.multi_cell(
        154,
        5,
        f"This certifies that {volunteer.name} served as a women's volunteer for "
        f"{certificate.hours} hours (travel not included), as recorded and confirmed by the "
        "organisation above. Scan the QR code or enter the number on the site to verify it.",
    )
    qr = io.BytesIO()
    segno.make(verify_url, error="m").save(qr, kind="png", scale=8, border=2)
    qr.seek(0)
    pdf.image(qr, x=28, y=205, w=42, h=42)
    pdf.set_xy(76, 215)
    pdf.set_font("cjk", size=10)
    pdf.multi_cell(110, 6, f"核验 Verify:\n{verify_url}", wrapmode=WrapMode.CHAR)
    pdf.set_xy(120, 250)
    pdf.set_font("cjk", size=13)
    pdf.cell(70, 8, certificate.org.name, align="R")
    return bytes(pdf.output())
