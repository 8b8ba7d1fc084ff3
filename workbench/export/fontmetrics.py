"""How wide a line of text is in the figures' font, from DejaVu Sans's own advance widths.

Figures are laid out here, not by the browser, so labels, headings and link values can be
kept apart and inside the canvas. That needs real text widths: an average width per
character is wrong both ways (a row of capitals is much wider than a row of "il"). The
figures name DejaVu Sans first (an open font every Debian machine with fontconfig has, and
the one `.ci/run` makes sure of); Arial and Helvetica, the usual fallbacks, are narrower
for almost every character, so a layout measured in DejaVu Sans still fits when a viewer
substitutes them. Characters outside the table count as the widest letter.

The table below is generated from the font files by ``python -m workbench.export.fontmetrics``
(needs Pillow, a test dependency) and checked against them by ``tests/test_figure_layout.py``.
"""

from __future__ import annotations

FONT_FAMILY = "DejaVu Sans, Arial, Helvetica, sans-serif"
#: advance widths in thousandths of an em, per character, for the regular and bold faces
# fmt: off
CHARS = (
    ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ['
    '\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\xa0¡¢£¤¥¦§¨©ª«¬\xad®¯°±²³´µ¶·¸'
    '¹º»¼½¾¿ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóô'
    'õö÷øùúûüýþÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİ'
    'ıĲĳĴĵĶķĸĹĺĻļĽľĿŀŁłŃńŅņŇňŉŊŋŌōŎŏŐőŒœŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬ'
    'ŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſ–—‘’“”…•€■≥≤·κα×÷−→←'
)
REGULAR = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838, 318,
    401, 636, 636, 636, 636, 337, 500, 500, 1000, 471, 612, 838, 0, 1000, 500, 500,
    838, 401, 401, 500, 636, 636, 318, 500, 401, 471, 612, 969, 969, 969, 531, 684,
    684, 684, 684, 684, 684, 974, 698, 632, 632, 632, 632, 295, 295, 295, 295, 775,
    748, 787, 787, 787, 787, 787, 838, 787, 732, 732, 732, 732, 611, 605, 630, 613,
    613, 613, 613, 613, 613, 982, 550, 615, 615, 615, 615, 278, 278, 278, 278, 612,
    634, 612, 612, 612, 612, 612, 838, 612, 634, 634, 634, 634, 592, 635, 592, 684,
    613, 684, 613, 684, 613, 698, 550, 698, 550, 698, 550, 698, 550, 770, 635, 775,
    635, 632, 615, 632, 615, 632, 615, 632, 615, 632, 615, 775, 635, 775, 635, 775,
    635, 775, 635, 752, 634, 916, 695, 295, 278, 295, 278, 295, 278, 295, 278, 295,
    278, 590, 556, 295, 278, 656, 579, 579, 557, 278, 557, 278, 557, 375, 557, 342,
    562, 284, 748, 634, 748, 634, 748, 634, 813, 748, 634, 787, 612, 787, 612, 787,
    612, 1070, 1023, 695, 411, 695, 411, 695, 411, 635, 521, 635, 521, 635, 521, 635,
    521, 611, 392, 611, 392, 611, 392, 732, 634, 732, 634, 732, 634, 732, 634, 732,
    634, 732, 634, 989, 818, 611, 592, 611, 685, 525, 685, 525, 685, 525, 352, 500,
    1000, 318, 318, 518, 518, 1000, 590, 636, 945, 838, 838, 318, 589, 659, 838, 838,
    838, 838, 838,
)
BOLD = (
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365,
    696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580,
    1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850,
    733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500,
    500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687,
    716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838, 348,
    456, 696, 696, 636, 696, 365, 500, 500, 1000, 564, 646, 838, 0, 1000, 500, 500,
    838, 438, 438, 500, 736, 636, 380, 500, 438, 564, 646, 1035, 1035, 1035, 580, 774,
    774, 774, 774, 774, 774, 1085, 734, 683, 683, 683, 683, 372, 372, 372, 372, 838,
    837, 850, 850, 850, 850, 850, 838, 850, 812, 812, 812, 812, 724, 738, 719, 675,
    675, 675, 675, 675, 675, 1048, 593, 678, 678, 678, 678, 343, 343, 343, 343, 687,
    712, 687, 687, 687, 687, 687, 838, 687, 712, 712, 712, 712, 652, 716, 652, 774,
    675, 774, 675, 774, 675, 734, 593, 734, 593, 734, 593, 734, 593, 830, 716, 838,
    716, 683, 678, 683, 678, 683, 678, 683, 678, 683, 678, 821, 716, 821, 716, 821,
    716, 821, 716, 837, 712, 974, 790, 372, 343, 372, 343, 372, 343, 372, 343, 372,
    343, 744, 686, 372, 343, 775, 665, 665, 637, 343, 637, 343, 637, 480, 637, 557,
    642, 371, 837, 712, 837, 712, 837, 712, 983, 837, 712, 850, 687, 850, 687, 850,
    687, 1167, 1094, 770, 493, 770, 493, 770, 493, 720, 595, 720, 595, 720, 595, 720,
    595, 682, 478, 682, 478, 682, 478, 812, 712, 812, 712, 812, 712, 812, 712, 812,
    712, 812, 712, 1103, 924, 724, 652, 724, 725, 582, 725, 582, 725, 582, 435, 500,
    1000, 380, 380, 657, 657, 1000, 639, 696, 945, 838, 838, 380, 710, 687, 838, 838,
    838, 838, 838,
)
# fmt: on
_WIDTHS = {
    False: dict(zip(CHARS, REGULAR, strict=True)),
    True: dict(zip(CHARS, BOLD, strict=True)),
}
_WIDEST = {False: max(REGULAR), True: max(BOLD)}


def text_width(text: str, font_size: float, bold: bool = False) -> float:
    """Width in pixels of one line of ``text`` at ``font_size`` pixels (kerning ignored,
    which only ever narrows a line)."""
    widths = _WIDTHS[bold]
    widest = _WIDEST[bold]
    return sum(widths.get(ch, widest) for ch in text) * font_size / 1000


def _generate() -> str:
    """The table's source, read from the installed DejaVu Sans fonts."""
    from PIL import ImageFont

    lines = []
    for name, face in (("REGULAR", "DejaVuSans.ttf"), ("BOLD", "DejaVuSans-Bold.ttf")):
        font = ImageFont.truetype(f"/usr/share/fonts/truetype/dejavu/{face}", 1000)
        widths = [round(font.getlength(ch)) for ch in CHARS]
        lines.append(f"{name} = (")
        lines += [
            "    " + ", ".join(str(w) for w in widths[i : i + 16]) + ","
            for i in range(0, len(widths), 16)
        ]
        lines.append(")")
    return "\n".join(lines)


if __name__ == "__main__":
    print(_generate())
