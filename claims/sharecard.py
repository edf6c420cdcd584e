"""The Open Graph image of a claim page (1200×630 PNG): its verdict badge, the claim's title and who
made it, drawn with Pillow in fonts from Debian's packages (fonts-dejavu-core). Text is laid out with
libraqm where Pillow has it (right-to-left scripts), and every string is wrapped and cut to fit."""

import io
import re
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

from claims import colours

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
PAPER, INK, INK_SOFT, BRAND, ACCENT = "#f5f3ee", "#16181d", "#474d57", "#0b2545", "#b3261e"
# Bidirectional controls would reorder text around them; an image has nothing to isolate them from.
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@cache
def font(name, size):
    """A TrueType font from the Debian package, or Pillow's built-in one if it is not installed."""
    layout = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    for folder in FONT_DIRS:
        path = folder / name
        if path.exists():
            return ImageFont.truetype(str(path), size, layout_engine=layout)
    return ImageFont.load_default(size)


def clean(text):
    return " ".join(_BIDI_CONTROLS.sub("", text or "").split())


def wrap(text, face, width, max_lines):
    """Lines of `text` no wider than `width` pixels, at most `max_lines`, the last cut with “…” when
    the text does not fit. A word wider than a line (a long unbroken string) is broken anywhere."""
    lines, line = [], ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if face.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while face.getlength(word) > width:  # break inside the word
            cut = max(1, _fit(word, face, width))
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and face.getlength(last + "…") > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return lines


def _fit(word, face, width):
    low, high = 0, len(word)
    while low < high:
        mid = (low + high + 1) // 2
        if face.getlength(word[:mid]) <= width:
            low = mid
        else:
            high = mid - 1
    return low


def render(*, site_name, site_host, badge, badge_colour, title, attribution, eyebrow):
    """The PNG's bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    # Masthead: the site's name on the brand colour, over the accent rule of the pages' header.
    draw.rectangle((0, 0, WIDTH, 96), fill=BRAND)
    draw.rectangle((0, 96, WIDTH, 104), fill=ACCENT)
    draw.text((MARGIN, 48), clean(site_name), font=font("DejaVuSerif-Bold.ttf", 40), fill="#ffffff", anchor="lm")
    small = font("DejaVuSans-Bold.ttf", 24)
    draw.text((WIDTH - MARGIN, 48), clean(eyebrow).upper(), font=small, fill="#ffffff", anchor="rm")
    # The verdict badge, in the rating's colour with the text colour of the pages' badges.
    face = font("DejaVuSans-Bold.ttf", 34)
    label = wrap(clean(badge).upper(), face, WIDTH - 2 * MARGIN - 56, 1)[0]
    box = (MARGIN, 148, MARGIN + int(face.getlength(label)) + 56, 148 + 70)
    draw.rounded_rectangle(box, radius=10, fill=badge_colour)
    draw.text((box[0] + 28, 183), label, font=face, fill=colours.badge_text(badge_colour), anchor="lm")
    # The claim's title, then who made it.
    face = font("DejaVuSerif-Bold.ttf", 52)
    y = 262
    for line in wrap(clean(title), face, WIDTH - 2 * MARGIN, 4):
        draw.text((MARGIN, y), line, font=face, fill=INK)
        y += 66
    face = font("DejaVuSans.ttf", 30)
    for line in wrap(clean(attribution), face, WIDTH - 2 * MARGIN, 1):
        draw.text((MARGIN, max(y + 18, 500)), line, font=face, fill=INK_SOFT)
    draw.text((MARGIN, HEIGHT - 40), clean(site_host), font=small, fill=INK_SOFT, anchor="ls")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
