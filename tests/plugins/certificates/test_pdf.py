"""The PDF certificate: embedded font, extractable text in every language, QR code."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from base64 import a85decode
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask_babel import get_locale

from academy.plugins.certificates import fonts, pdf
from academy.plugins.certificates.pdf import certificate_texts, render_pdf
from tests.plugins.certificates.support import BASE, CODE, make_claims

MONGOLIAN = {
    "holder_name": "Өлзийсайхан Үүрийнтуяа",
    "course_title": "Хамтран ажиллагчаас хамтран ажиллагчид: туршлага солилцох арга зүй",
    "cohort_name": "Улаанбаатар, 2026 оны хавар",
    "academy_name": "Орон нутгийн засаг захиргааны академи",
    "language": "mn",
}


def _streams(document: bytes) -> list[bytes]:
    """Every stream of the PDF, decompressed when it is Flate (or ASCII85 + Flate)."""
    found = []
    for match in re.finditer(rb"/Length (\d+)[^>]*>>\s*stream\r?\n", document):
        raw = document[match.end() : match.end() + int(match.group(1))]
        for decode in (zlib.decompress, lambda data: zlib.decompress(a85decode(data, adobe=True))):
            try:
                found.append(decode(raw))
                break
            except (zlib.error, ValueError):
                continue
    return found


def _extractable_characters(document: bytes) -> set[str]:
    """The characters the PDF's ToUnicode maps let a reader copy out."""
    characters = set()
    for stream in _streams(document):
        for section in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
            for target in re.findall(rb"<[0-9A-F]+>\s*<([0-9A-F]+)>", section):
                characters.add(bytes.fromhex(target.decode()).decode("utf-16-be"))
    return characters


def _pdftotext(document: bytes, tmp_path: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "certificate.pdf"
    path.write_bytes(document)
    return subprocess.run(
        [tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_font_covers_latin_diacritics_and_mongolian() -> None:
    name = fonts.certificate_font()
    from reportlab.pdfbase import pdfmetrics

    assert fonts.covers(pdfmetrics.getFont(name), "ӨөҮүÇçÑñÃãÉé")
    assert fonts.font_file().suffix == ".ttf"


def test_the_font_comes_from_the_package_when_installed() -> None:
    pytest.importorskip("fontpkg_noto_sans")
    assert "fontpkg_noto_sans" in str(fonts.font_file())


def test_a_pdf_with_the_font_embedded_and_an_a4_landscape_page() -> None:
    document = render_pdf(make_claims(**MONGOLIAN))
    assert document.startswith(b"%PDF-")
    assert document.rstrip().endswith(b"%%EOF")
    assert b"/FontFile2" in document  # an embedded TrueType font program
    assert re.search(rb"/BaseFont /[A-Z]{6}\+NotoSans|/BaseFont /[A-Z]{6}\+DejaVuSans", document)
    assert b"/Helvetica" not in document  # no font that is not embedded
    assert re.search(rb"/MediaBox \[ 0 0 841\.\d+ 595\.\d+ \]", document)
    assert b"/Lang (mn)" in document


def test_the_mongolian_text_can_be_copied_out(tmp_path: Path) -> None:
    claims = make_claims(**MONGOLIAN)
    document = render_pdf(claims)
    characters = _extractable_characters(document)
    for text in (claims.holder_name, claims.course_title, claims.cohort_name, CODE):
        assert set(text.replace(" ", "")) <= characters, text


def test_pdftotext_reads_back_every_claim(tmp_path: Path) -> None:
    claims = make_claims(**MONGOLIAN)
    text = _flat(_pdftotext(render_pdf(claims), tmp_path))
    for expected in (
        claims.holder_name,
        claims.course_title,
        claims.cohort_name,
        claims.academy_name,
        CODE,
        f"{BASE}/verify/{CODE}",
        "2.1",
        "12.5",
    ):
        assert expected in text, expected
    assert "2026 оны гуравдугаар сарын 14" in text  # the issue date, written in Mongolian


@pytest.mark.parametrize(
    ("language", "date_text", "hours"),
    [
        ("en", "March 14, 2026", "12.5"),
        ("fr", "14 mars 2026", "12,5"),
        ("pt", "14 de março de 2026", "12,5"),
        ("es", "14 de marzo de 2026", "12,5"),
        ("mn", "2026 оны гуравдугаар сарын 14", "12.5"),
    ],
)
def test_dates_and_numbers_are_written_in_the_holders_language(
    language: str, date_text: str, hours: str
) -> None:
    texts = certificate_texts(make_claims(language=language))
    assert date_text in texts.issued.replace("\u202f", " ").replace("\u00a0", " ")
    assert hours in texts.hours
    assert str(get_locale()) == "en"


@pytest.mark.parametrize("language", ["en", "fr", "pt", "es", "mn"])
def test_every_sentence_is_translated_in_the_holders_language(
    language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def tagged(text: str, **values: Any) -> str:
        return f"[{get_locale()}] " + text % values

    monkeypatch.setattr(pdf, "_", tagged)
    texts = certificate_texts(make_claims(language=language))
    sentences = (
        "title",
        "intro",
        "completed",
        "details",
        "period",
        "hours",
        "issued",
        "code",
        "verify",
    )
    for name in sentences:
        assert getattr(texts, name).startswith(f"[{language}] "), name
    assert texts.holder == "Ana Conceição Núñez"


def test_period_wording_follows_the_dates_known() -> None:
    assert certificate_texts(make_claims()).period == "From February 1, 2026 to March 10, 2026"
    only_start = make_claims(end_date=None)
    assert certificate_texts(only_start).period == "Started on February 1, 2026"
    only_end = make_claims(start_date=None, end_date=date(2026, 3, 10))
    assert certificate_texts(only_end).period == "Ended on March 10, 2026"
    assert certificate_texts(make_claims(start_date=None, end_date=None)).period == ""
    assert certificate_texts(make_claims(cohort_name="")).details == "Version 2.1"


def test_a_long_course_title_is_wrapped_and_kept_whole(tmp_path: Path) -> None:
    title = " ".join(["Peer exchanges between municipalities"] * 6)
    text = _flat(_pdftotext(render_pdf(make_claims(course_title=title)), tmp_path))
    assert title in text


def test_the_same_claims_give_the_same_bytes_when_invariant() -> None:
    claims = make_claims(**MONGOLIAN)
    assert render_pdf(claims, invariant=True) == render_pdf(claims, invariant=True)
    assert render_pdf(claims, invariant=True) != render_pdf(make_claims(), invariant=True)


def test_the_qr_code_opens_the_verification_page(tmp_path: Path) -> None:
    pdftoppm, zbarimg = shutil.which("pdftoppm"), shutil.which("zbarimg")
    if not (pdftoppm and zbarimg):
        pytest.skip("pdftoppm (poppler-utils) and zbarimg (zbar-tools) are not installed")
    (tmp_path / "c.pdf").write_bytes(render_pdf(make_claims(**MONGOLIAN)))
    subprocess.run(
        [pdftoppm, "-png", "-r", "100", str(tmp_path / "c.pdf"), str(tmp_path / "page")], check=True
    )
    page = next(tmp_path.glob("page*.png"))
    found = subprocess.run(
        [zbarimg, "-q", "--raw", str(page)], capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == f"{BASE}/verify/{CODE}"


def test_system_fonts_are_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "_packaged_font", lambda: None)
    found = fonts.candidates()
    assert all(str(path) in fonts.SYSTEM_FONTS for path in found)


def test_no_usable_font_is_an_error_not_a_blank_certificate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fonts, "candidates", list)
    with pytest.raises(fonts.FontUnavailable, match="fontpkg-noto-sans"):
        fonts.certificate_font.__wrapped__()


def test_text_that_cannot_fit_is_shrunk_then_cut_visibly() -> None:
    font = fonts.certificate_font()
    lines, size = pdf._fit("word " * 400, font, 21, pdf.TEXT_WIDTH, 2)
    assert size == pdf.MIN_SIZE
    assert len(lines) == 4
    assert lines[-1].endswith("…")
    short, size = pdf._fit("A short title", font, 21, pdf.TEXT_WIDTH, 2)
    assert short == ["A short title"] and size == 21
