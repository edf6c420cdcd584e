"""Colour arithmetic for the rating badges: WCAG contrast (the badge text) and CIE76 colour
difference (no two ratings may look alike, across both scales)."""

WHITE, BLACK = "#ffffff", "#000000"
# WCAG 2.2 AA for normal text.
AA_CONTRAST = 4.5
# Below this CIE76 distance two badge colours are easily taken for one another.
DISTINCT_DELTA_E = 18


def _rgb(colour):
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))


def _linear(c):
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour):
    r, g, b = (_linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a, b):
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def badge_text(colour):
    """White text wherever it reaches AA (so the badges read as one family), else black, which then
    always does: one of the two reaches 4.5:1 on any colour."""
    return WHITE if contrast_ratio(colour, WHITE) >= AA_CONTRAST else BLACK


def lab(colour):
    r, g, b = (_linear(c) for c in _rgb(colour))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e(a, b):
    """CIE76 difference between two colours (about 2.3 is just noticeable)."""
    return sum((p - q) ** 2 for p, q in zip(lab(a), lab(b), strict=True)) ** 0.5
