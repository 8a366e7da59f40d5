"""The printable certificate: one A4 landscape page, in the holder's language.

It shows the holder's name, the course, its version, the cohort and its
dates, the hours of study, the academy, the certificate code, and a QR code
that opens the public verification page ``<base>/verify/<code>``.  Every
sentence goes through gettext under :func:`flask_babel.force_locale`, and
dates and numbers are formatted for that language, so render inside an
application context.  The text is drawn with an embedded TrueType font that
covers Latin diacritics and Mongolian Cyrillic (see :mod:`.fonts`), so it can
be read and copied out of the PDF.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from flask_babel import force_locale, format_date, format_decimal
from flask_babel import gettext as _
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from academy.plugins.certificates.claims import CertificateClaims
from academy.plugins.certificates.fonts import certificate_font

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN = 42.0
TEXT_WIDTH = PAGE_WIDTH - 4 * MARGIN
MIN_SIZE = 10.0
INK = HexColor("#1F2A37")
ACCENT = HexColor("#1D4E89")
MUTED = HexColor("#4B5563")


@dataclass(frozen=True)
class CertificateTexts:
    """The sentences of one certificate, already translated and formatted."""

    academy: str
    title: str
    intro: str
    holder: str
    completed: str
    course: str
    details: str
    period: str
    hours: str
    issued: str
    code: str
    verify: str


def _period(claims: CertificateClaims) -> str:
    start, end = claims.start_date, claims.end_date
    if start and end:
        return _(
            "From %(start)s to %(end)s",
            start=format_date(start, "long"),
            end=format_date(end, "long"),
        )
    if start:
        return _("Started on %(date)s", date=format_date(start, "long"))
    if end:
        return _("Ended on %(date)s", date=format_date(end, "long"))
    return ""


def certificate_texts(claims: CertificateClaims) -> CertificateTexts:
    """Every sentence printed on the certificate, in the holder's language."""
    with force_locale(claims.language):
        if claims.cohort_name.strip():
            details = _(
                "Version %(version)s · Cohort %(cohort)s",
                version=claims.course_version,
                cohort=claims.cohort_name,
            )
        else:
            details = _("Version %(version)s", version=claims.course_version)
        return CertificateTexts(
            academy=claims.academy_name,
            title=_("Certificate of completion"),
            intro=_("This certifies that"),
            holder=claims.holder_name,
            completed=_("has completed the course"),
            course=claims.course_title,
            details=details,
            period=_period(claims),
            hours=_("Hours of study: %(hours)s", hours=format_decimal(claims.hours)),
            issued=_(
                "Issued on %(date)s by %(academy)s",
                date=format_date(claims.issued_at.date(), "long"),
                academy=claims.academy_name,
            ),
            code=_("Certificate code: %(code)s", code=claims.code),
            verify=_("Check this certificate at %(url)s", url=claims.verify_url),
        )


def _fit(text: str, font: str, size: float, width: float, lines: int) -> tuple[list[str], float]:
    """Wrap ``text`` at ``size`` or smaller until it takes at most ``lines`` lines.

    At the smallest size (10 pt) two more lines are allowed; text beyond
    those is cut with an ellipsis rather than drawn over the footer.
    """
    while True:
        wrapped = simpleSplit(text, font, size, width) or [""]
        if len(wrapped) <= lines:
            return wrapped, size
        if size <= MIN_SIZE:
            kept = wrapped[: lines + 2]
            if len(wrapped) > len(kept):
                kept[-1] = kept[-1].rstrip() + " …"
            return kept, size
        size -= 1


def _centred(
    canvas: Canvas,
    text: str,
    y: float,
    size: float,
    *,
    lines: int = 1,
    color: Color = INK,
    bold: bool = False,
) -> float:
    """Draw centred, wrapped text from baseline ``y``; return the y below it."""
    font = certificate_font()
    wrapped, size = _fit(text, font, size, TEXT_WIDTH, lines)
    for line in wrapped:
        text_object = canvas.beginText()
        text_object.setFont(font, size)
        text_object.setFillColor(color)
        # The embedded font has one weight: bold text is filled and outlined (mode 2).
        canvas.setStrokeColor(color)
        canvas.setLineWidth(size * 0.035)
        text_object.setTextRenderMode(2 if bold else 0)
        text_object.setTextOrigin((PAGE_WIDTH - canvas.stringWidth(line, font, size)) / 2, y)
        text_object.textLine(line)
        canvas.drawText(text_object)
        y -= size * 1.25
    return y


def _draw_qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR code of ``url`` as vector squares, lower-left corner at (x, y)."""
    matrix = segno.make(url, error="m", micro=False).matrix
    module = size / len(matrix)
    canvas.setFillColor(INK)
    for row_number, row in enumerate(matrix):
        top = y + size - (row_number + 1) * module
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            canvas.rect(x + start * module, top, (column - start) * module, module, 0, 1)


def _draw_frame(canvas: Canvas) -> None:
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(2.5)
    canvas.rect(MARGIN / 2, MARGIN / 2, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - MARGIN)
    canvas.setLineWidth(0.75)
    canvas.rect(MARGIN * 0.7, MARGIN * 0.7, PAGE_WIDTH - MARGIN * 1.4, PAGE_HEIGHT - MARGIN * 1.4)


def _draw_body(canvas: Canvas, texts: CertificateTexts) -> None:
    y = PAGE_HEIGHT - 2.2 * MARGIN
    y = _centred(canvas, texts.academy, y, 14, color=MUTED) - 30
    y = _centred(canvas, texts.title, y, 32, color=ACCENT, bold=True) - 26
    y = _centred(canvas, texts.intro, y, 14, color=MUTED) - 14
    y = _centred(canvas, texts.holder, y, 28, bold=True) - 12
    y = _centred(canvas, texts.completed, y, 14, color=MUTED) - 12
    y = _centred(canvas, texts.course, y, 21, lines=2, bold=True) - 10
    y = _centred(canvas, texts.details, y, 13) - 4
    for line in (texts.period, texts.hours):
        if line:
            y = _centred(canvas, line, y, 12, color=MUTED)


def _draw_footer(canvas: Canvas, texts: CertificateTexts, verify_url: str) -> None:
    font, qr_size = certificate_font(), 92.0
    x, y = 1.4 * MARGIN, 1.4 * MARGIN
    _draw_qr(canvas, verify_url, x, y, qr_size)
    left = x + qr_size + 14
    width = PAGE_WIDTH - left - 1.4 * MARGIN
    canvas.setFillColor(INK)
    canvas.setFont(font, 12)
    canvas.drawString(left, y + qr_size - 14, texts.code)
    canvas.setFillColor(MUTED)
    lines = simpleSplit(texts.verify, font, 9.5, width)[:2]
    lines += simpleSplit(texts.issued, font, 9.5, width)[:2]
    for number, line in enumerate(lines):
        canvas.setFont(font, 9.5)
        canvas.drawString(left, y + qr_size - 34 - number * 13, line)


def render_pdf(claims: CertificateClaims, *, invariant: bool = False) -> bytes:
    """The certificate as PDF bytes.

    ``invariant=True`` gives byte-identical output for identical claims (fixed
    document dates and ids), for caching or tests.
    """
    texts = certificate_texts(claims)
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        invariant=int(invariant),
        lang=claims.language,
        initialFontName=certificate_font(),
    )
    canvas.setTitle(f"{texts.title} – {claims.holder_name} – {claims.course_title}")
    canvas.setAuthor(claims.academy_name)
    canvas.setSubject(texts.code)
    canvas.setCreator(claims.academy_name)
    _draw_frame(canvas)
    _draw_body(canvas, texts)
    _draw_footer(canvas, texts, claims.verify_url)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
