"""The page as a picture: rendered from the PDF, then made readable, one image operation at a time.

A scan's paper is grey and uneven, its header bands are filled dark with light letters on them, it
is turned a degree or two, and the scanner sprinkles specks over it. Each function here undoes one of
those on a grayscale page image (numpy, OpenCV): `dark_fill` and `unfill` turn light-on-dark bands to
dark-on-light, `flatten` makes the paper white, `binarise` separates ink from paper, `estimate_skew`
and `rotate` level the page, `specks` finds scanner noise and `thin_runs` the long thin strokes that
ruling lines are made of. Sizes are given in points and scaled by `scale` (pixels per point).
"""
from __future__ import annotations

import cv2
import numpy as np

# Dark fills, as shares of the paper's own level: a band's core, its edge, and the light letters on it.
_FILL_DARK = 0.5
_FILL_EDGE = 0.55
_FILL_LIGHT = 0.6


def odd_size(n: float) -> int:
    """`n` pixels as an odd size of at least 3: OpenCV's kernels and blocks need a centre pixel."""
    n = max(3, round(n))
    return n if n % 2 else n + 1


def dark_fill(gray: np.ndarray, scale: float) -> np.ndarray:
    """Where the page is filled dark (a navy header row): light text on it reads only once inverted."""
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    # Dark is judged against the paper: a scanner that greys the paper to 230 washes a navy band out
    # to 100 as well, and an absolute threshold would lose the band with its headings.
    paper = max(float(np.percentile(small, 95)), 1.0)
    coarse = (cv2.medianBlur(small, odd_size(6 * scale / 4)) < _FILL_DARK * paper).astype(np.uint8)
    if not coarse.any():
        return np.zeros(gray.shape, dtype=bool)
    near = cv2.resize(cv2.dilate(coarse, np.ones((5, 5), np.uint8)), (gray.shape[1], gray.shape[0]),
                      interpolation=cv2.INTER_NEAREST)
    # Edges at full resolution (a quarter-size mask leaves strips of fill that read as rulings), and
    # a fill is everything inside its outline: the letters on it are holes, not page.
    dark = ((gray < _FILL_EDGE * paper) & (near > 0)).astype(np.uint8)
    outlines, _ = cv2.findContours(dark, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    big = [c for c in outlines if cv2.contourArea(c) >= (20 * scale) ** 2]
    filled = np.zeros_like(dark)
    # A fill with nothing light on it is a blot or a picture, not a band of headings: left as it is.
    kept = []
    for outline in big:  # each judged within its own bounding box: a page may hold many fills
        x, y, w, h = cv2.boundingRect(outline)
        one = np.zeros((h, w), np.uint8)
        cv2.drawContours(one, [outline], -1, 1, thickness=cv2.FILLED, offset=(-x, -y))
        if float((gray[y:y + h, x:x + w][one > 0] > _FILL_LIGHT * paper).mean()) >= 0.02:
            kept.append(outline)
    big = kept
    cv2.drawContours(filled, big, -1, 1, thickness=cv2.FILLED)
    # A band is a rectangle: light letters that touch its edge bite into its outline, and would be
    # left uninverted. An outline that nearly fills its (turned) rectangle is taken as the rectangle.
    for outline in big:
        box = cv2.boxPoints(cv2.minAreaRect(outline))
        if cv2.contourArea(outline) >= 0.8 * cv2.contourArea(box):
            cv2.fillPoly(filled, [np.round(box).astype(np.int32)], 1)
    return filled.astype(bool)


def unfill(gray: np.ndarray, dark: np.ndarray, scale: float = 300 / 72) -> np.ndarray:
    """Light text on dark fills turned dark on light, so it binarises like the rest.

    The fill's outline is never exactly the band's: a sliver of band left dark, or of paper turned
    dark, would read as a thick rule that swallows the column lines touching it. So a thin seam
    along the outline is made paper (the band's edges are row boundaries all the same: scan_rules.band_edges).
    """
    if not dark.any():
        return gray
    out = gray.copy()
    mask = dark.astype(np.uint8)
    # Each band's own fill is brought to white, not to 255 minus its shade: a washed-out band left
    # mid-grey once inverted would be flattened against the paper around it, shading its edges dark.
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    for k in range(1, n):
        x, y, w, h = (int(v) for v in stats[k, :4])
        inside = labels[y:y + h, x:x + w] == k
        part, source = out[y:y + h, x:x + w], gray[y:y + h, x:x + w]
        shade = float(np.median(source[inside]))
        turned = (255.0 - source[inside].astype(np.float32)) * (255.0 / max(255.0 - shade, 1.0))
        part[inside] = np.clip(turned, 0, 255).astype(np.uint8)
    seam = np.ones((odd_size(1.2 * scale), odd_size(1.2 * scale)), np.uint8)
    out[(cv2.dilate(mask, seam) - cv2.erode(mask, seam)) > 0] = 255
    return out


def binarise(gray: np.ndarray, scale: float) -> np.ndarray:
    """Ink as 255 on 0; a local threshold copes with shaded cells and uneven scans."""
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                 odd_size(8 * scale), 15)


def rotate(image: np.ndarray, angle: float, border: int) -> np.ndarray:
    """The image turned `angle` degrees counter-clockwise about its centre, its corners filled with `border`."""
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def estimate_skew(ink: np.ndarray, max_skew: float) -> float:
    """The rotation (degrees, counter-clockwise) that makes text lines and rulings horizontal.

    Projection profiles: rows of a level page are either full of ink or empty, so the variance of
    the row sums peaks at the right angle. Coarse on a small image, then fine around the best.
    """
    factor = min(1.0, 1200 / max(ink.shape))
    small = cv2.resize(ink, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)

    def score(angle: float) -> float:
        return float(np.var(rotate(small, angle, 0).sum(axis=1, dtype=np.float64)))

    coarse = np.arange(-max_skew, max_skew + 1e-9, 0.25)
    best = float(max(coarse, key=score))
    fine = np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05)
    return round(float(max(fine, key=score)), 2)


def thin_runs(ink: np.ndarray, length: int, horizontal: bool, max_thick: int) -> np.ndarray:
    """Thin straight runs at least `length` long: ruling lines, without blots or filled bands."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
    runs = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    thick = stats[:, cv2.CC_STAT_HEIGHT if horizontal else cv2.CC_STAT_WIDTH]
    keep = np.zeros(n, dtype=bool)
    keep[1:] = thick[1:] <= max_thick
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def specks(ink: np.ndarray, scale: float) -> np.ndarray:
    """Scanner noise: small marks with no other ink near them (a decimal point sits beside digits)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = np.zeros(n, dtype=bool)
    small[1:] = stats[1:, cv2.CC_STAT_AREA] < 2.0 * scale * scale  # under ~2 square points
    is_small = small[labels]
    big = (ink > 0) & ~is_small
    reach = odd_size(2.4 * scale)  # 1.2 pt either way
    near = cv2.dilate(big.astype(np.uint8), np.ones((reach, reach), np.uint8)) > 0
    touching = np.zeros(n, dtype=bool)
    touching[np.unique(labels[is_small & near])] = True
    return (small & ~touching)[labels]


def flatten(gray: np.ndarray, scale: float) -> np.ndarray:
    """The page with its paper made white: each pixel divided by the local background (the page's
    lightest level around it, wider than any letter). A grey scan, a shaded cell and an inverted dark
    band (mid-grey once inverted, with the scanner's specks) then all read as dark ink on white."""
    size = odd_size(6 * scale)  # 6 pt: wider than a letter's stroke, narrower than a cell
    small = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    background = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (size // 2 | 1, size // 2 | 1)))
    background = cv2.resize(cv2.blur(background, (size // 2 | 1, size // 2 | 1)), (gray.shape[1], gray.shape[0]),
                            interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(gray, np.maximum(background, 1), scale=255)
    return flat
