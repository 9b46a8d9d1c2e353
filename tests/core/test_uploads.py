"""Uploads are judged by their content: images re-encoded with nothing but pixels, PDFs without
active content, bombs and impostors refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from portal.core.uploads import (
    JPEG,
    PDF,
    PNG,
    UploadRejected,
    clean_upload,
    safe_filename,
    sniff,
)

ALL = frozenset({JPEG, PNG, PDF})
IMAGES = frozenset({JPEG, PNG})


def _jpeg_with_metadata() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "CanaryCameraMaker"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 17.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"CanaryComment", icc_profile=b"CanaryICC" * 4)
    return out.getvalue()


def _png_with_text() -> bytes:
    image = Image.new("RGBA", (20, 20), (0, 0, 255, 128))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "CanaryTextChunk")
    info.add_itxt("XML:com.adobe.xmp", "CanaryXMP")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def test_a_jpeg_loses_every_piece_of_metadata():
    original = _jpeg_with_metadata()
    assert b"CanaryCameraMaker" in original and b"CanaryComment" in original
    clean = clean_upload(original, "holiday.jpeg", IMAGES)
    assert clean.content_type == JPEG and clean.filename == "holiday.jpg"
    for canary in (b"CanaryCameraMaker", b"CanaryComment", b"CanaryICC", b"Exif", b"GPS"):
        assert canary not in clean.data
    with Image.open(io.BytesIO(clean.data)) as image:
        assert image.size == (40, 30)
        assert not image.getexif()
        assert "icc_profile" not in image.info and "comment" not in image.info


def test_a_png_loses_text_chunks_and_keeps_transparency():
    clean = clean_upload(_png_with_text(), "drawing.png", IMAGES)
    assert b"CanaryTextChunk" not in clean.data and b"CanaryXMP" not in clean.data
    assert b"tEXt" not in clean.data and b"iTXt" not in clean.data
    with Image.open(io.BytesIO(clean.data)) as image:
        assert image.mode == "RGBA"


def test_the_name_does_not_decide_the_type():
    with pytest.raises(UploadRejected) as refused:
        clean_upload(b"<html><script>alert(1)</script></html>", "photo.png", ALL)
    assert refused.value.reason == "wrong_type"
    # A real PDF where only images are allowed.
    with pytest.raises(UploadRejected) as refused:
        clean_upload(b"%PDF-1.7\n%%EOF", "photo.jpg", IMAGES)
    assert refused.value.reason == "wrong_type"
    assert clean_upload(_png_with_text(), "renamed.jpg", IMAGES).filename == "renamed.png"


def test_empty_large_and_damaged_files_are_refused():
    for data, reason in [
        (b"", "empty"),
        (b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024), "too_large"),
        (b"\xff\xd8\xff\xe0 truncated", "damaged"),
        (b"%PDF-1.4 no trailer", "damaged"),
    ]:
        with pytest.raises(UploadRejected) as refused:
            clean_upload(data, "x", ALL)
        assert refused.value.reason == reason


def test_a_decompression_bomb_is_refused_before_its_pixels_are_read():
    out = io.BytesIO()
    # 1 bit per pixel and all one colour: a small file that would decode to 15,000 x 15,000 pixels.
    Image.new("1", (15_000, 15_000)).save(out, "PNG")
    assert len(out.getvalue()) < MAX_SMALL
    with pytest.raises(UploadRejected) as refused:
        clean_upload(out.getvalue(), "bomb.png", IMAGES)
    assert refused.value.reason == "too_many_pixels"


MAX_SMALL = 1024 * 1024


def test_pdfs_with_scripts_or_attachments_are_refused():
    with pytest.raises(UploadRejected) as refused:
        clean_upload(b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%%EOF", "a.pdf", ALL)
    assert refused.value.reason == "active_content"
    with pytest.raises(UploadRejected):
        clean_upload(b"%PDF-1.4\n<< /Type /EmbeddedFile >>\n%%EOF", "a.pdf", ALL)
    assert clean_upload(b"%PDF-1.4\nplain\n%%EOF\n", "a.pdf", ALL).data.startswith(b"%PDF-")


def test_safe_file_names():
    assert safe_filename("../../etc/passwd", PDF) == "passwd.pdf"
    assert safe_filename("C:\\Users\\me\\Scan 1.jpeg", JPEG) == "Scan-1.jpg"
    assert safe_filename("Zdjęcie ślubne.png", PNG) == "Zdjecie-slubne.png"
    assert safe_filename("تصویر.png", PNG) == "document.png"
    assert sniff(b"GIF89a") is None
