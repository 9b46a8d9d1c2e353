"""Draw static/images/favicon.ico to match static/images/favicon.svg.

A brand-neutral house with a heart-shaped door, in GOV.UK Frontend blue
(#1d70b8). Not part of build.sh because it needs Python with Pillow and the
icon rarely changes. Run from anywhere:

    python frontend/favicon.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = "#1d70b8"
WHITE = "#ffffff"
SCALE = 16  # draw the 32x32 SVG design at 512x512, then downsample
SIZES = (16, 32, 48)
OUT = Path(__file__).resolve().parent.parent / "static" / "images" / "favicon.ico"

# Same coordinates as favicon.svg (viewBox 0 0 32 32).
HOUSE = [(16, 2), (1, 15), (5, 15), (5, 30), (27, 30), (27, 15), (31, 15)]
HEART = [  # cubic Bézier segments: start, control 1, control 2, end
    ((16, 26.5), (9.5, 22.5), (9.2, 17), (12.4, 16.3)),
    ((12.4, 16.3), (14, 16), (15.3, 16.9), (16, 18.3)),
    ((16, 18.3), (16.7, 16.9), (18, 16), (19.6, 16.3)),
    ((19.6, 16.3), (22.8, 17), (22.5, 22.5), (16, 26.5)),
]


def bezier(p0, p1, p2, p3, steps=32):
    """Points along one cubic Bézier segment."""
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        yield tuple(
            u**3 * a + 3 * u**2 * t * b + 3 * u * t**2 * c + t**3 * d
            for a, b, c, d in zip(p0, p1, p2, p3)
        )


def scaled(points):
    return [(x * SCALE, y * SCALE) for x, y in points]


def draw() -> Image.Image:
    size = 32 * SCALE
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.polygon(scaled(HOUSE), fill=BLUE)
    heart = [point for segment in HEART for point in bezier(*segment)]
    pen.polygon(scaled(heart), fill=WHITE)
    return image


def main() -> None:
    big = draw()
    icons = [big.resize((s, s), Image.Resampling.LANCZOS) for s in SIZES]
    # Largest first; the others are stored as-is rather than re-scaled by Pillow.
    icons[-1].save(OUT, format="ICO", sizes=[(s, s) for s in SIZES], append_images=icons[:-1])
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
