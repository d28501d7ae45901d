#!/usr/bin/python3
"""Renders drawings of a DigitLab drawing set as a contact sheet PNG, each
cell the whole pad as the person drew on it, with its label and style, so a
person can check that every drawing reads as what its label says.

Usage: tools/drawn_digits/contact_sheet.py SET.json OUT.png [--first N] [--every K] [--columns C]
Needs ImageMagick's convert (Debian package imagemagick).
"""
import argparse
import json
import subprocess
import tempfile


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("set")
    p.add_argument("out")
    p.add_argument("--first", type=int, default=0)
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--every", type=int, default=1, help="take every K-th drawing")
    p.add_argument("--columns", type=int, default=20)
    p.add_argument("--cell", type=int, default=110)
    a = p.parse_args()
    drawings = json.load(open(a.set))["drawings"][a.first::a.every][:a.count]
    cell, cols = a.cell, a.columns
    rows = (len(drawings) + cols - 1) // cols
    label_h = 14
    mvg = ["viewbox 0 0 %d %d" % (cols * cell, rows * (cell + label_h)), "fill white", "rectangle 0 0 %d %d" % (cols * cell, rows * (cell + label_h))]
    for i, d in enumerate(drawings):
        x0, y0 = (i % cols) * cell, (i // cols) * (cell + label_h)
        mvg += ["stroke gray80", "stroke-width 1", "fill none", "rectangle %d %d %d %d" % (x0 + 1, y0 + 1, x0 + cell - 2, y0 + cell - 2)]
        mvg += ["stroke black", "stroke-width %.1f" % (cell * 0.06), "stroke-linecap round", "stroke-linejoin round"]
        for s in d["strokes"]:
            pts = " ".join("%.1f,%.1f" % (x0 + 2 + p[0] * (cell - 4), y0 + 2 + p[1] * (cell - 4)) for p in s)
            mvg.append(("polyline " + pts) if len(s) > 1 else "point %s" % pts)
            if len(s) == 1:
                px, py = (x0 + 2 + s[0][0] * (cell - 4), y0 + 2 + s[0][1] * (cell - 4))
                mvg.append("circle %.1f,%.1f %.1f,%.1f" % (px, py, px + cell * 0.03, py))
        tag = ("%s" % d["label"] if d["label"] is not None else "-") + " " + d["style"]
        mvg += ["stroke none", "fill blue", "font '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'", "font-size 11", "text %d,%d '%s'" % (x0 + 3, y0 + cell + 10, tag)]
    with tempfile.NamedTemporaryFile("w", suffix=".mvg") as f:
        f.write("\n".join(mvg))
        f.flush()
        subprocess.run(["/usr/bin/convert", "mvg:" + f.name, a.out], check=True)


if __name__ == "__main__":
    main()
