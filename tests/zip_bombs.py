"""Zip bombs built in the test, fast: zipfile deflating zeros written in chunks."""
import functools
import io
import zipfile

MB = 1 << 20
CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                 b'package/2006/content-types"></Types>')


@functools.lru_cache(maxsize=4)
def docx_of_zeros(unpacked: int = 1024 * MB) -> bytes:
    """A .docx whose word/document.xml is `unpacked` bytes of zeros (1 GB packs to about 1 MB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=4) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = bytes(4 * MB)
            for _ in range(unpacked // len(chunk)):
                part.write(chunk)
    return out.getvalue()


def docx_of_many_parts(parts: int) -> bytes:
    """A small .docx with `parts` tiny entries."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        for number in range(parts):
            archive.writestr(f"word/media/part{number}.xml", b"<a/>")
    return out.getvalue()
