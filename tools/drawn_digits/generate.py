#!/usr/bin/python3
"""Generates DigitLab's drawing benchmark: digits (and non-digits) drawn as
pen strokes the way people draw them with a mouse or a finger on the pad.

Not one pixel comes from MNIST. Each digit has a few templates (the shapes
different people learnt: open and closed 4, crossed 7, looped 2, 1 with a
flag and a base, ...), written as the strokes a person makes, in their order
and direction. Every drawing then gets continuous variations of its own:
template parameters (loop sizes, bar lengths, gaps and overlaps), a smooth
warp of the shape, slant, rotation, aspect ratio, size and position on the
pad, and the pen's motion: a bell-shaped speed that slows in curves, an
event rate of 30-125 Hz (so point spacing varies with speed), hand tremor,
jitter, overshoot at stroke ends and pad-pixel quantisation.

Output (see test/data/README.md): JSON with, per drawing, the label (null
for a non-digit), a style tag, a few traits, and the strokes as lists of
[x, y, t] points: x and y in pad units (0..1, y down), t in milliseconds
from the first pen-down.

Usage: tools/drawn_digits/generate.py [--seed N] [--per-digit N] [--out-dir DIR]
Python 3 standard library only (Debian's python3).
"""
import argparse
import json
import math
import random

# ---------------------------------------------------------------- geometry
# Template space: the digit's box is x 0..0.6, y 0..1 (y down), so a
# template's numbers read like a sketch on squared paper.


def arc(cx, cy, rx, ry, a0, a1, n=48):
    """Points on an ellipse from angle a0 to a1 (degrees; 0 = right, 90 = down,
    so increasing angles run clockwise on screen)."""
    return [(cx + rx * math.cos(math.radians(a0 + (a1 - a0) * i / n)),
             cy + ry * math.sin(math.radians(a0 + (a1 - a0) * i / n))) for i in range(n + 1)]


def spline(points, n=16):
    """Catmull-Rom curve through the points (the ends repeated)."""
    p = [points[0]] + list(points) + [points[-1]]
    out = []
    for i in range(1, len(p) - 2):
        for k in range(n):
            t = k / n
            out.append(tuple(0.5 * ((2 * p[i][d]) + (-p[i - 1][d] + p[i + 1][d]) * t
                                    + (2 * p[i - 1][d] - 5 * p[i][d] + 4 * p[i + 1][d] - p[i + 2][d]) * t * t
                                    + (-p[i - 1][d] + 3 * p[i][d] - 3 * p[i + 1][d] + p[i + 2][d]) * t ** 3)
                             for d in range(2)))
    out.append(points[-1])
    return out


def line(a, b, n=12):
    return [(a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n) for i in range(n + 1)]


def join(*pieces):
    """One stroke from pieces that meet end to start (sharp corners stay sharp)."""
    out = list(pieces[0])
    for piece in pieces[1:]:
        out.extend(piece[1:] if math.dist(out[-1], piece[0]) < 1e-9 else piece)
    return out


# ------------------------------------------------------------ digit templates
# Each returns a list of strokes (dense point lists) in template space; r is
# the drawing's random generator, u(a, b) a uniform draw.


def zero(r, u, clockwise):
    rx, top, bottom = u(0.16, 0.33), u(-0.02, 0.04), u(0.96, 1.02)
    cy, ry = (top + bottom) / 2, (bottom - top) / 2
    start = -90 + u(-30, 25)
    sweep = 360 + u(-12, 40)  # not quite closed, or overlapping past the start
    pts = arc(0.3, cy, rx, ry, start, start + (sweep if clockwise else -sweep), 72)
    taper = u(-0.25, 0.2)  # an egg: wider at the bottom or at the top
    return [[(0.3 + (x - 0.3) * (1 + taper * (y - 0.5)), y) for x, y in pts]]


def one(r, u, flag, base):
    x_top, x_bottom, bow = 0.3 + u(-0.03, 0.03), 0.3 + u(-0.04, 0.04), u(-0.03, 0.03)
    stem = spline([(x_top, 0.0), ((x_top + x_bottom) / 2 + bow, 0.5), (x_bottom, 1.0)])
    strokes = []
    if flag:
        # The flag rises steeply (a flat one would make a 7).
        flag_dx = u(0.06, 0.18)
        flag_start = (x_top - flag_dx, flag_dx * u(0.7, 1.5))
        strokes.append(join(line(flag_start, (x_top, 0.0)), stem))
    else:
        strokes.append(stem)
    if base:
        half = u(0.12, 0.22)
        strokes.append(line((x_bottom - half, 1.0 + u(-0.02, 0.02)), (x_bottom + half, 1.0 + u(-0.02, 0.02))))
    return strokes


def two(r, u, kind):
    rx, ry = u(0.22, 0.29), u(0.2, 0.28)
    # Over the top from the left, clockwise, and on down the right side.
    top = arc(0.3, ry, rx, ry, 180 + u(-35, 15), 360 + u(25, 70), 40)
    end = top[-1]
    corner = (u(0.0, 0.08), u(0.95, 1.0))
    base_end = (u(0.5, 0.68), corner[1] + u(-0.05, 0.03))
    if kind == "angular":
        neck = line(end, corner, 16)
    else:
        # The neck sags: bowed towards the lower right.
        mid = ((end[0] + corner[0]) / 2 + u(0.02, 0.1), (end[1] + corner[1]) / 2 + u(0.0, 0.06))
        neck = spline([end, mid, corner])
    if kind == "looped":
        size = u(0.1, 0.16)
        cx, cy = corner
        loop = spline([(cx + 0.5 * size, cy - 0.6 * size), (cx - 0.3 * size, cy - 0.1 * size),
                       (cx - 0.6 * size, cy - 0.9 * size), (cx + 0.1 * size, cy - 1.1 * size),
                       (cx + 0.7 * size, cy - 0.1 * size), (cx + 1.6 * size, cy + 0.2 * size)], 10)
        neck = neck[:-4]
        return [join(top, neck, loop, line(loop[-1], base_end))]
    return [join(top, neck, line(corner, base_end))]


def three(r, u, kind):
    split = u(0.4, 0.52)
    lower = arc(0.29, (split + 1) / 2, u(0.24, 0.31), (1 - split) / 2, -90 + u(-25, 5), 150 + u(-10, 25), 40)
    if kind == "flat-top":
        bar_y = u(-0.02, 0.03)
        start = (u(0.0, 0.1), bar_y)
        corner = (u(0.5, 0.6), bar_y + u(-0.02, 0.02))
        return [join(line(start, corner), line(corner, (lower[0][0] - u(0.0, 0.12), split)), lower)]
    upper = arc(0.28, split / 2, u(0.2, 0.26), split / 2, 180 + u(5, 35), 450 + u(-20, 10), 40)
    cusp = (upper[-1][0] - u(0.03, 0.12), split + u(-0.02, 0.02))
    return [join(upper, [cusp], lower)]


def four(r, u, kind):
    stem_x, bar_y = u(0.38, 0.48), u(0.55, 0.72)
    bar_end = (stem_x + u(0.1, 0.22), bar_y + u(-0.03, 0.02))
    if kind == "closed":
        apex = (stem_x + u(-0.03, 0.02), u(0.0, 0.04))
        left = (u(0.0, 0.06), bar_y)
        first = join(line(apex, left), line(left, bar_end))
        stem = line((stem_x + u(-0.02, 0.03), u(-0.02, 0.05)), (stem_x + u(-0.02, 0.04), 1.0))
    else:
        start = (u(0.04, 0.16), u(0.0, 0.05))
        left = (u(0.0, 0.06), bar_y)
        first = join(line(start, left), line(left, bar_end))
        stem = line((stem_x + u(-0.02, 0.03), u(0.0, 0.3)), (stem_x + u(-0.03, 0.03), 1.0))
    return [first, stem]


def five(r, u, kind):
    belly_top = u(0.38, 0.5)
    ry = (1 - belly_top) / 2
    belly = arc(0.28, belly_top + ry, u(0.24, 0.31), ry, -140 + u(-10, 15), 150 + u(-15, 20), 40)
    stem_top = (u(0.06, 0.14), u(0.0, 0.03))
    bar_end = (u(0.48, 0.62), stem_top[1] + u(-0.04, 0.02))
    down = line(stem_top, (belly[0][0] + u(-0.03, 0.01), belly[0][1] - u(0.0, 0.04)))
    if kind == "one-stroke":
        return [join(line(bar_end, stem_top), down, belly)]
    return [join(down, belly), line(stem_top, bar_end)]


def six(r, u, kind):
    rx, ry = u(0.18, 0.28), u(0.15, 0.3)
    cx, cy = 0.3, 1 - ry
    loop = arc(cx, cy, rx, ry, 180, -180 + u(10, 90), 48)  # counter-clockwise: left, bottom, right, top
    start = (u(0.45, 0.58), u(0.0, 0.06))
    if kind == "straight":
        stem = line(start, loop[0], 16)
    else:
        stem = spline([start, (u(0.16, 0.26), u(0.16, 0.28)), (loop[0][0] + u(-0.01, 0.03), loop[0][1] - u(0.18, 0.25)), loop[0]])
    return [join(stem, loop)]


def seven(r, u, kind):
    bar_y = u(0.0, 0.04)
    left, corner = (u(0.0, 0.14), bar_y + u(-0.04, 0.06)), (u(0.52, 0.64), bar_y)
    foot = (u(0.12, 0.32), 1.0)
    if r.random() < 0.4:  # some stems bow
        stem = spline([corner, ((corner[0] + foot[0]) / 2 + u(-0.06, 0.02), 0.5), foot])
    else:
        stem = line(corner, foot, 16)
    bar = line(left, corner)
    if kind == "serif":
        bar = join(line((left[0] + u(-0.02, 0.01), left[1] + u(0.06, 0.15)), left), bar)
    strokes = [join(bar, stem)]
    if kind == "crossed":
        y = u(0.45, 0.58)
        x = corner[0] + (foot[0] - corner[0]) * (y - corner[1]) / (foot[1] - corner[1])
        strokes.append(line((x - u(0.1, 0.18), y), (x + u(0.1, 0.18), y + u(-0.03, 0.02))))
    return strokes


def eight(r, u, kind):
    waist = u(0.4, 0.5)
    top_w, bottom_w = u(0.17, 0.25), u(0.2, 0.3)
    if kind == "two-loops":
        top = arc(0.3, waist / 2, top_w, waist / 2, -90, -450 + u(-20, 10), 48)
        bottom = arc(0.3, (1 + waist) / 2, bottom_w, (1 - waist) / 2, -90, -450 + u(-20, 10), 48)
        return [top, bottom]
    if kind == "s-and-line":
        s = join(arc(0.3, waist / 2, top_w, waist / 2, -20, -270 + u(-10, 10), 32),
                 arc(0.3, (1 + waist) / 2, bottom_w, (1 - waist) / 2, -90, 160 + u(-5, 10), 40))
        return [join(s, line(s[-1], (s[0][0] + u(-0.04, 0.02), s[0][1] - u(0.0, 0.05))))]
    # One stroke, a figure of eight: from the top, left round the top loop,
    # across the waist, right round the bottom loop and back up.
    pts = []
    for i in range(97):
        t = -0.25 + (2 * math.pi + 0.25 + u(0, 0.02)) * i / 96
        y = (1 - math.cos(t)) / 2
        y = y / 0.5 * waist if y < 0.5 else waist + (y - 0.5) / 0.5 * (1 - waist)
        x = 0.3 - math.sin(2 * t) * (top_w if y < waist else bottom_w)
        pts.append((x, y))
    return [pts]


def nine(r, u, kind):
    rx, ry = u(0.15, 0.28), u(0.13, 0.27)
    cx, cy = 0.3, ry
    loop = arc(cx, cy, rx, ry, -20 + u(-15, 15), -380 + u(-20, 15), 48)  # counter-clockwise from the upper right
    join_x = cx + rx * u(0.85, 1.0)
    if kind == "curved":
        stem = spline([(join_x, cy), (join_x - u(0.0, 0.04), 0.6), (join_x - u(0.1, 0.16), 0.92), (u(0.08, 0.2), 1.0)])
    else:
        stem = line((join_x, cy + u(-0.05, 0.05)), (join_x + u(-0.06, 0.03), 1.0), 16)
    if kind == "two-stroke":
        return [loop, line((join_x + u(-0.01, 0.02), cy - ry * u(0.3, 0.9)), (join_x + u(-0.06, 0.03), 1.0), 16)]
    return [join(loop, stem)]


DIGIT_STYLES = {
    0: [("0-counterclockwise", lambda r, u: zero(r, u, False)), ("0-clockwise", lambda r, u: zero(r, u, True))],
    1: [("1-plain", lambda r, u: one(r, u, False, False)), ("1-flag", lambda r, u: one(r, u, True, False)),
        ("1-flag-base", lambda r, u: one(r, u, True, True))],
    2: [("2-plain", lambda r, u: two(r, u, "plain")), ("2-looped", lambda r, u: two(r, u, "looped")),
        ("2-angular", lambda r, u: two(r, u, "angular"))],
    3: [("3-round", lambda r, u: three(r, u, "round")), ("3-flat-top", lambda r, u: three(r, u, "flat-top"))],
    4: [("4-open", lambda r, u: four(r, u, "open")), ("4-closed", lambda r, u: four(r, u, "closed"))],
    5: [("5-two-strokes", lambda r, u: five(r, u, "two-strokes")), ("5-one-stroke", lambda r, u: five(r, u, "one-stroke"))],
    6: [("6-curved-stem", lambda r, u: six(r, u, "curved")), ("6-straight-stem", lambda r, u: six(r, u, "straight"))],
    7: [("7-plain", lambda r, u: seven(r, u, "plain")), ("7-crossed", lambda r, u: seven(r, u, "crossed")),
        ("7-serif", lambda r, u: seven(r, u, "serif"))],
    8: [("8-one-stroke", lambda r, u: eight(r, u, "one-stroke")), ("8-two-loops", lambda r, u: eight(r, u, "two-loops")),
        ("8-s-and-line", lambda r, u: eight(r, u, "s-and-line"))],
    9: [("9-straight-tail", lambda r, u: nine(r, u, "straight")), ("9-curved-tail", lambda r, u: nine(r, u, "curved")),
        ("9-two-strokes", lambda r, u: nine(r, u, "two-stroke"))],
}

# --------------------------------------------------------- non-digit shapes
# Things a person draws that are not one digit. Box as above.


def scribble(r, u):
    strokes = []
    for _ in range(r.choice([1, 1, 2])):
        pts, (x, y), heading = [], (u(0.1, 0.5), u(0.1, 0.9)), u(0, 2 * math.pi)
        for _ in range(r.randint(14, 24)):  # enough turns that no digit comes out by chance
            heading += u(-2.4, 2.4)
            x = min(0.6, max(0.0, x + 0.25 * math.cos(heading)))
            y = min(1.0, max(0.0, y + 0.25 * math.sin(heading)))
            pts.append((x, y))
        strokes.append(spline(pts, 8))
    return strokes


def straight_line(r, u):
    # Within 35 degrees of horizontal: a steep line would be a fair "1".
    angle = math.radians(u(-35, 35))
    half = 0.5
    c = (0.3, 0.5)
    d = (half * math.cos(angle), half * math.sin(angle))
    if r.random() < 0.5:
        d = (-d[0], -d[1])
    return [line((c[0] - d[0], c[1] - d[1]), (c[0] + d[0], c[1] + d[1]), 20)]


def cross(r, u):
    if r.random() < 0.5:  # an X
        return [line((0.0, u(0.0, 0.1)), (0.6, u(0.9, 1.0))), line((0.6, u(0.0, 0.1)), (0.0, u(0.9, 1.0)))]
    y, x = u(0.35, 0.6), u(0.25, 0.35)  # a plus
    return [line((x, 0.05), (x + u(-0.04, 0.04), 0.95)), line((0.0, y), (0.6, y + u(-0.04, 0.04)))]


def circle_with_tail(r, u):
    ring = arc(0.3, 0.5, 0.28, 0.3, -90, -450 + u(-15, 10), 48)
    kind = r.choice(["q", "left", "right", "down-left"])
    if kind == "q":  # a Q's short diagonal through the lower right
        tail = line((0.38, 0.66), (0.66, 0.95))
    elif kind == "left":
        tail = line((0.02, 0.5), (-0.3, 0.5 + u(-0.08, 0.08)))
    elif kind == "right":
        tail = line((0.58, 0.5), (0.9, 0.5 + u(-0.08, 0.08)))
    else:  # a mirrored Q
        tail = line((0.22, 0.66), (-0.06, 0.95))
    return [ring, tail]


LETTERS = {
    "A": lambda r, u: [join(line((0.0, 1.0), (0.3, 0.0)), line((0.3, 0.0), (0.6, 1.0))), line((0.12, u(0.55, 0.68)), (0.48, u(0.55, 0.68)))],
    "B": lambda r, u: [line((0.05, 0.0), (0.05, 1.0)),
                       join(spline([(0.05, 0.0), (0.45, 0.05), (0.45, 0.4), (0.05, 0.48)]),
                            spline([(0.05, 0.48), (0.55, 0.58), (0.55, 0.95), (0.05, 1.0)]))],
    "C": lambda r, u: [arc(0.35, 0.5, 0.32, 0.5, -40 + u(-10, 10), -320 + u(-10, 10), 40)],
    "E": lambda r, u: [join(line((0.55, 0.0), (0.05, 0.0)), line((0.05, 0.0), (0.05, 1.0)), line((0.05, 1.0), (0.55, 1.0))),
                       line((0.05, u(0.45, 0.55)), (0.45, u(0.45, 0.55)))],
    "H": lambda r, u: [line((0.0, 0.0), (0.0, 1.0)), line((0.6, 0.0), (0.6, 1.0)), line((0.0, u(0.45, 0.55)), (0.6, u(0.45, 0.55)))],
    "K": lambda r, u: [line((0.05, 0.0), (0.05, 1.0)), join(line((0.55, 0.0), (0.08, 0.55)), line((0.08, 0.55), (0.58, 1.0)))],
    "M": lambda r, u: [join(line((0.0, 1.0), (0.05, 0.0)), line((0.05, 0.0), (0.3, u(0.5, 0.7))),
                            line((0.3, 0.6), (0.55, 0.0)), line((0.55, 0.0), (0.6, 1.0)))],
    "S": lambda r, u: [join(arc(0.3, 0.25, 0.25, 0.25, -30, -270, 32), arc(0.3, 0.75, 0.27, 0.25, -90, 150, 32))],
    "Z": lambda r, u: [join(line((0.0, 0.0), (0.6, 0.0)), line((0.6, 0.0), (0.0, 1.0)), line((0.0, 1.0), (0.6, 1.0)))],
}

# ----------------------------------------------------------- the pen's path


def warp(strokes, r, u):
    """A smooth random distortion of the whole shape: no two hands alike."""
    waves = [(u(-0.045, 0.045), u(0.5, 2.0), u(0, 6.3), u(0.5, 2.0), u(0, 6.3)) for _ in range(4)]

    def f(p):
        x, y = p
        dx = sum(a * math.sin(fx * math.pi * y + px) for a, fx, px, _, _ in waves[:2])
        dy = sum(a * math.sin(fy * math.pi * x + py) for a, _, _, fy, py in waves[2:])
        return (x + dx, y + dy)
    return [[f(p) for p in s] for s in strokes]


def place(strokes, r, u, height, slant_deg, rotate_deg, aspect):
    """Slant, rotate, stretch and put the drawing somewhere on the pad."""
    shear, rot = math.tan(math.radians(slant_deg)), math.radians(rotate_deg)
    out = []
    for s in strokes:
        q = []
        for x, y in s:
            x = (x - 0.3) * aspect + shear * (0.5 - y)
            y = y - 0.5
            q.append((x * math.cos(rot) - y * math.sin(rot), x * math.sin(rot) + y * math.cos(rot)))
        out.append(q)
    xs = [p[0] for s in out for p in s]
    ys = [p[1] for s in out for p in s]
    scale = height / (max(ys) - min(ys))
    w, h = (max(xs) - min(xs)) * scale, (max(ys) - min(ys)) * scale
    if w > 0.92:  # wide shapes (several digits in a row) must still fit the pad
        scale *= 0.92 / w
        w, h = w * 0.92 / w, h * 0.92 / w
    left, top = u(0.04, max(0.04, 0.96 - w)), u(0.04, max(0.04, 0.96 - h))
    return [[(left + (x - min(xs)) * scale, top + (y - min(ys)) * scale) for x, y in s] for s in out]


def pen(strokes, r, u, size):
    """Samples each stroke as a mouse or finger reports it: at the event rate,
    with a bell-shaped speed that slows in curves, tremor, jitter, overshoot
    and quantisation to the pad's pixels. Returns strokes of [x, y, t_ms]."""
    rate_hz = r.choice([30, 60, 60, 60, 60, 90, 120])
    dt = 1000.0 / rate_hz
    speed = u(1.2, 4.5) * size  # peak speed, pad units per second (a digit in about 0.4-2 s)
    tremor = [(u(0.0, 0.012) * size, u(3, 10), u(0, 6.3)) for _ in range(2)]
    jitter = u(0.0, 0.0025)
    pad_px = r.choice([180, 240, 300, 360, 420, 560])
    overshoot = u(0.0, 0.06) * size if r.random() < 0.5 else 0.0
    out, t0 = [], 0.0
    for s in strokes:
        if overshoot and len(s) > 1:  # the pen runs on past the stroke's end
            (ax, ay), (bx, by) = s[-2], s[-1]
            n = math.hypot(bx - ax, by - ay) or 1.0
            s = s + [(bx + (bx - ax) / n * overshoot, by + (by - ay) / n * overshoot)]
        seg = [math.dist(s[i], s[i + 1]) for i in range(len(s) - 1)]
        length = sum(seg)
        # Time to cover each piece: slower at the ends (bell) and in curves.
        times, acc, cum = [0.0], 0.0, 0.0
        for i, d in enumerate(seg):
            cum += d
            frac = cum / length if length else 1.0
            bell = 0.25 + 0.75 * math.sin(math.pi * min(1.0, max(0.0, frac)))
            turn = 0.0
            if 0 < i < len(seg) - 1:
                (ax, ay), (bx, by), (cx, cy) = s[i - 1], s[i], s[i + 1]
                turn = abs(math.atan2((bx - ax) * (cy - by) - (by - ay) * (cx - bx), (bx - ax) * (cx - bx) + (by - ay) * (cy - by)))
            v = speed * bell / (1.0 + 2.0 * turn / max(d / size * 20, 0.05)) ** (1 / 3)
            acc += d / max(v, 1e-6) * 1000.0
            times.append(acc)
        points, t, j = [], 0.0, 0
        while True:
            while j + 1 < len(times) and times[j + 1] < t:
                j += 1
            if j + 1 >= len(times):
                x, y = s[-1]
            else:
                f = (t - times[j]) / max(times[j + 1] - times[j], 1e-9)
                x = s[j][0] + (s[j + 1][0] - s[j][0]) * f
                y = s[j][1] + (s[j + 1][1] - s[j][1]) * f
            for a, hz, ph in tremor:
                x += a * math.sin(2 * math.pi * hz * t / 1000 + ph)
                y += a * math.cos(2 * math.pi * hz * t / 1000 + 1.7 * ph)
            x, y = x + r.gauss(0, jitter), y + r.gauss(0, jitter)
            x = min(1.0, max(0.0, round(x * pad_px) / pad_px))
            y = min(1.0, max(0.0, round(y * pad_px) / pad_px))
            points.append([round(x, 4), round(y, 4), round(t0 + t)])
            if j + 1 >= len(times):
                break
            t += dt * u(0.85, 1.15)  # events never arrive on the dot
        out.append(points)
        t0 += t + u(80, 400)  # pen up, move, pen down
    traits = {"rate_hz": rate_hz, "speed": round(speed, 3), "pad_px": pad_px}
    return out, traits


def draw(r, shape, size_range, slant_range=(-15, 30)):
    u = r.uniform
    strokes = warp(shape(r, u), r, u)
    height = u(*size_range)
    slant = u(*slant_range)
    rotate = u(-8, 8)
    aspect = u(0.65, 1.4)
    strokes = place(strokes, r, u, height, slant, rotate, aspect)
    strokes, traits = pen(strokes, r, u, height)
    traits.update({"height": round(height, 3), "slant_deg": round(slant, 1), "aspect": round(aspect, 2)})
    return strokes, traits


def digit_sizes(r):
    # Mostly a comfortable size, some small, some filling the pad.
    return r.choice([(0.22, 0.35), (0.35, 0.6), (0.35, 0.6), (0.5, 0.75), (0.7, 0.88)])


def digits(r, per_digit):
    out = []
    for label in range(10):
        styles = DIGIT_STYLES[label]
        for i in range(per_digit):
            style, shape = styles[i % len(styles)]
            strokes, traits = draw(r, shape, digit_sizes(r))
            out.append({"label": label, "style": style, "traits": traits, "strokes": strokes})
    return out


def several_digits(r, u):
    strokes = []
    count = r.choice([2, 2, 3])
    for k in range(count):
        label = r.randrange(10)
        _, shape = r.choice(DIGIT_STYLES[label])
        strokes += [[(x + 0.75 * k, y) for x, y in s] for s in shape(r, u)]
    return strokes


def dots(r, u):
    return [[(u(0.0, 0.6), u(0.0, 1.0))] for _ in range(r.choice([1, 1, 2, 3]))]


def non_digits(r, per_kind):
    kinds = [("scribble", scribble, 2), ("line", straight_line, 1), ("cross", cross, 1),
             ("circle-with-tail", circle_with_tail, 1), ("several-digits", several_digits, 1), ("dots", dots, 0.5)]
    kinds += [("letter-" + name, shape, 0.4) for name, shape in LETTERS.items()]
    out = []
    for style, shape, weight in kinds:
        for _ in range(max(1, round(per_kind * weight))):
            if style == "dots":  # taps: no warp or pen path, just points
                x0, y0 = r.uniform(0.1, 0.9), r.uniform(0.1, 0.9)
                strokes = [[[round(min(1, max(0, x0 + (x - 0.3) * 0.2)), 4), round(min(1, max(0, y0 + (y - 0.5) * 0.2)), 4), 150 * k]]
                           for k, ((x, y),) in enumerate(dots(r, r.uniform))]
                out.append({"label": None, "style": style, "traits": {}, "strokes": strokes})
                continue
            strokes, traits = draw(r, shape, (0.3, 0.85) if style != "several-digits" else (0.25, 0.4))
            out.append({"label": None, "style": style, "traits": traits, "strokes": strokes})
    return out


def write(path, kind, seed, drawings, command):
    with open(path, "w") as f:
        f.write('{"format": "digitlab-drawings", "version": 1, "kind": "%s", "seed": %d,\n' % (kind, seed))
        f.write(' "generator": %s,\n "drawings": [\n' % json.dumps(command))
        f.write(",\n".join(json.dumps(d, separators=(",", ":")) for d in drawings))
        f.write("\n]}\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seed", type=int, default=8)
    p.add_argument("--per-digit", type=int, default=50)
    p.add_argument("--per-kind", type=int, default=24, help="non-digits of each kind (letters fewer)")
    p.add_argument("--out-dir", default="test/data")
    a = p.parse_args()
    command = "tools/drawn_digits/generate.py --seed %d --per-digit %d --per-kind %d" % (a.seed, a.per_digit, a.per_kind)
    write(a.out_dir + "/drawn_digits.json", "digits", a.seed, digits(random.Random(a.seed), a.per_digit), command)
    write(a.out_dir + "/non_digits.json", "non-digits", a.seed, non_digits(random.Random(a.seed + 1), a.per_kind), command)


if __name__ == "__main__":
    main()
