"""The reference figures in docs/figures are what the code draws today: each is made again
from the demo by the command recorded inside it and compared pixel by pixel.

Rendering is pinned: the figures name DejaVu Sans first (the Debian package
fonts-dejavu-core, installed by .ci/run when missing), and text is laid out by workbench
with that font's own widths, so a fresh render differs from the reference only by
anti-aliasing. A layout change shows up as thousands of changed pixels."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.figure_helpers import demo_workspace
from workbench.export.figures import find_browser

REPO = Path(__file__).resolve().parent.parent
REFERENCES = REPO / "docs" / "figures"
#: a pixel differs when one of its channels moves by more than this (of 255)
TOLERANCE = 48
#: and a figure matches when at most this share of its pixels differ
MAX_CHANGED = 0.004


def changed_share(a: Path, b: Path) -> float:
    import numpy as np
    from PIL import Image

    x = np.asarray(Image.open(a).convert("RGB"), dtype=np.int16)
    y = np.asarray(Image.open(b).convert("RGB"), dtype=np.int16)
    assert x.shape == y.shape, f"{a.name}: {x.shape} now, {y.shape} in the reference"
    return float((np.abs(x - y).max(axis=2) > TOLERANCE).mean())


@pytest.mark.browser
def test_fresh_renders_match_the_reference_figures(tmp_path):
    if find_browser() is None:
        pytest.skip("no Chrome/Chromium for kaleido (apt-get install chromium)")
    if not Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").exists():
        pytest.skip("DejaVu Sans not installed (apt-get install fonts-dejavu-core)")
    demo_workspace(tmp_path)
    fresh = tmp_path / "docs" / "figures"
    shutil.copytree(REFERENCES, fresh)
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "figures", "rerun", "docs/figures", "--deterministic"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    pngs = sorted(REFERENCES.glob("*.png"))
    assert len(pngs) >= 6
    for png in pngs:
        share = changed_share(fresh / png.name, png)
        assert share <= MAX_CHANGED, (
            f"{png.name}: {share:.2%} of pixels changed; if the change is meant, "
            "run `workbench figures rerun docs/figures --deterministic` beside workbench-demo/"
        )
        caption = png.with_name(png.name + ".caption.md").read_text(encoding="utf-8")
        assert (fresh / (png.name + ".caption.md")).read_text(encoding="utf-8") == caption
        assert not (fresh / (png.name + ".caption.new.md")).exists()


def test_changed_share_sees_a_moved_label(tmp_path):
    """The comparison is not blind: moving one text by a few pixels is far over the bar."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 14)
    for name, x in (("a.png", 20), ("b.png", 26)):
        image = Image.new("RGB", (320, 240), "white")
        ImageDraw.Draw(image).text((x, 100), "Representation 16", fill="black", font=font)
        image.save(tmp_path / name)
    assert changed_share(tmp_path / "a.png", tmp_path / "b.png") > MAX_CHANGED
    assert changed_share(tmp_path / "a.png", tmp_path / "a.png") == 0
