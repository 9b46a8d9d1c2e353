"""Files people upload: checked by what they contain, never by their name or the browser's word.

Images (JPEG, PNG) are decoded within a pixel limit, so decompression bombs are refused, and
re-encoded from their pixels alone: no EXIF, GPS, XMP, comments, text chunks or colour profiles
survive. PDFs are accepted where a feature allows them, checked for their header and trailer and
refused if they carry scripts or embedded files.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 12_000

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"

_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|OpenAction|AA)\b")


class UploadRejected(ValueError):
    """The file cannot be accepted. ``reason`` is one of: empty, too_large, wrong_type, damaged,
    too_many_pixels, active_content."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CleanFile:
    data: bytes
    content_type: str
    filename: str


def sniff(data: bytes) -> str | None:
    """The type the content says it is, whatever the file is called."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"%PDF-"):
        return PDF
    return None


def safe_filename(name: str, content_type: str) -> str:
    """A name fit to show and to offer as a download: letters, digits, dashes; the extension follows
    the content."""
    stem = unicodedata.normalize("NFKD", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem.encode("ascii", "ignore").decode()).strip("-")[:60] or "document"
    extension = {JPEG: "jpg", PNG: "png", PDF: "pdf"}[content_type]
    return f"{stem}.{extension}"


def _reencode(data: bytes, content_type: str) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                width, height = probe.size
                if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
                    raise UploadRejected("too_many_pixels")
                probe.load()
                image = probe.copy()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise UploadRejected("too_many_pixels") from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise UploadRejected("damaged") from exc
    # A fresh image from the pixels only: nothing of the original file's metadata is carried over.
    mode = "RGB" if content_type == JPEG else ("RGBA" if "A" in image.getbands() else "RGB")
    pixels = image.convert(mode)
    clean = Image.new(mode, pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    if content_type == JPEG:
        clean.save(out, "JPEG", quality=90)
    else:
        clean.save(out, "PNG", optimize=True)
    return out.getvalue()


def _check_pdf(data: bytes) -> bytes:
    if b"%%EOF" not in data[-2048:]:
        raise UploadRejected("damaged")
    if _PDF_ACTIVE.search(data):
        raise UploadRejected("active_content")
    return data


def clean_upload(data: bytes, filename: str, allowed: frozenset[str]) -> CleanFile:
    """Check an uploaded file and give back what is safe to keep, or raise UploadRejected."""
    if not data:
        raise UploadRejected("empty")
    if len(data) > MAX_BYTES:
        raise UploadRejected("too_large")
    content_type = sniff(data)
    if content_type is None or content_type not in allowed:
        raise UploadRejected("wrong_type")
    cleaned = _check_pdf(data) if content_type == PDF else _reencode(data, content_type)
    return CleanFile(cleaned, content_type, safe_filename(filename, content_type))
