"""Build the docs/report.png excerpt of a SymmetryEdge report.

The page keeps the report's head (title, navigation, verdict table) and a few figures, each cut to its first
panels, so one screenshot shows the verdicts and the family figures that sit far down the real page.

How docs/report.png was made (a simulated session with a seizure, analysed with the families):

    symedge simulate --subjects 2 --sessions 1 --duration 240 --neurons 1000 \
        --states wake,nrem_deep,preictal,ictal,postictal --threads 1 --out sim
    symedge analyze sim/sub-sim01/sub-sim01_ses-01_ecephys.nwb --out an1 --surrogates 8 \
        --families seizure,spatial,avalanches
    symedge report an1 --title "SymmetryEdge report: a simulated session with a seizure"
    python Tests/python/report_excerpt.py an1/report.html excerpt.html
    chromium --headless=new --no-sandbox --screenshot=shot.png --window-size=1280,3400 \
        --hide-scrollbars file://$PWD/excerpt.html
    python Tests/python/report_excerpt.py --crop shot.png docs/report.png
"""
import re
import sys

FIGURES = [("seizure-balance", 1), ("collapse-ictal", 1), ("spatial-distance", 2), ("avalanche-sizes", 2)]


def figure(page: str, fid: str, keep: int) -> str:
    """The <figure id=fid> element with only its first `keep` SVG panels ('' when absent)."""
    start = page.find('<figure id="%s"' % fid)
    if start < 0:
        return ""
    end = page.index("</figure>", start) + len("</figure>")
    f = page[start:end]
    svgs = [m.start() for m in re.finditer("<svg ", f)]
    if len(svgs) > keep:
        a = svgs[keep]
        f = f[:a] + f[f.index("</div>", a):]
    return f


def excerpt(page: str) -> str:
    head = page[: page.index("<body>") + len("<body>")]
    top = page[len(head): page.index('<h2 id="states"')]
    parts = [top, "<h2>Excerpts (the page has one figure of each kind, all states)</h2>"]
    parts += [figure(page, fid, keep) for fid, keep in FIGURES]
    return head + "".join(parts) + "</body></html>\n"


def crop(src: str, dst: str) -> None:
    """Crops the screenshot below its last non-white row (plus a margin)."""
    import numpy as np
    from PIL import Image

    im = Image.open(src)
    rows = np.where((np.asarray(im.convert("L")) < 250).any(axis=1))[0]
    im.crop((0, 0, im.width, min(im.height, int(rows.max()) + 30))).save(dst, optimize=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--crop":
        crop(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3:
        with open(sys.argv[1], encoding="utf-8") as f:
            page = f.read()
        with open(sys.argv[2], "w", encoding="utf-8") as f:
            f.write(excerpt(page))
    else:
        sys.exit("usage: report_excerpt.py REPORT.html OUT.html | --crop SHOT.png OUT.png")
