"""Pixel statistics of a report screenshot, to tell a rendered page from a blank one.

Prints: fraction of non-white pixels, number of distinct RGB colours, fraction of saturated pixels
(max(R,G,B) - min(R,G,B) > 60, i.e. coloured plot marks rather than grey text).
"""
import sys

import numpy as np
from PIL import Image

img = np.asarray(Image.open(sys.argv[1]).convert("RGB")).astype(np.int32)
flat = img.reshape(-1, 3)
nonwhite = np.mean(np.any(flat < 245, axis=1))
colours = len(np.unique(flat[:, 0] * 65536 + flat[:, 1] * 256 + flat[:, 2]))
saturated = np.mean(flat.max(axis=1) - flat.min(axis=1) > 60)
print(f"{nonwhite:.6f} {colours} {saturated:.6f}")
