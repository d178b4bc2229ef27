"""What both PDF makers share: the Chinese font and the paragraph styles (architecture §19).

ReportLab draws the text in Adobe's standard CID font STSong-Light (`UniGB-UCS2-H`): it ships with
ReportLab itself, so a `pip install` renders Chinese on any machine, no system font needed; the text is
stored as Unicode code points, so it can be copied and extracted (pypdf reads it back). Viewers draw
STSong-Light with their own Song face (every PDF reader carries one for the Adobe-GB1 collection).
"""

from io import BytesIO

from django.core.files.storage import default_storage
from PIL import Image as PilImage
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

from shouhou.core import files

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
GREY = colors.HexColor("#595959")
LINE = colors.HexColor("#bfbfbf")
HEAD = colors.HexColor("#f2f4f7")
MAX_IMAGE_BYTES = 15 * 1024 * 1024


def style(size=10, *, align="left", bold=False, color=colors.black, leading=None):
    alignment = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}.get(align, TA_LEFT)
    # STSong-Light has no bold face: a heavier look comes from a slightly larger size.
    return ParagraphStyle(f"s{size}{align}{bold}", fontName=FONT, fontSize=size + (1 if bold else 0),
                          leading=leading or (size + 1) * 1.35, alignment=alignment, textColor=color,
                          wordWrap="CJK")


def escape(text):
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r\n", "\n").replace("\n", "<br/>"))


def image_bytes(reference):
    """The bytes of a stored image file reference ({"url": "/files/<key>", ...}), or None."""
    if not isinstance(reference, dict) or not str(reference.get("content_type", "")).startswith("image/"):
        return None
    path = files.path_of(reference.get("url"))
    if not path or (reference.get("size") or 0) > MAX_IMAGE_BYTES:
        return None
    try:
        with default_storage.open(path, "rb") as handle:
            data = handle.read(MAX_IMAGE_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_IMAGE_BYTES:
        return None
    return _normalised(data)


def _normalised(data):
    """The image as PNG or JPEG ReportLab can draw (WebP, HEIC-less formats converted), or None."""
    try:
        with PilImage.open(BytesIO(data)) as image:
            image.load()
            if image.format in ("PNG", "JPEG"):
                return data
            out = BytesIO()
            image.convert("RGBA" if "A" in image.getbands() else "RGB").save(out, "PNG")
            return out.getvalue()
    except (OSError, ValueError, PilImage.DecompressionBombError):
        return None


def fitted_image(data, max_width, max_height):
    """A platypus Image no larger than the box, keeping its proportions."""
    from reportlab.platypus import Image

    with PilImage.open(BytesIO(data)) as image:
        width, height = image.size
    scale = min(max_width / width, max_height / height, 1.0)
    return Image(BytesIO(data), width=width * scale, height=height * scale)
