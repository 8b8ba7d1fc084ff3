"""Make ``transcripts/INT01.ogg``, the demo's recording (run from the repository's root).

espeak-ng speaks the first six cues of ``transcripts/INT01.vtt``, each fitted by sox to its
cue's time and placed after silence up to the cue's start, so the recording matches the
transcript's timestamps; FFmpeg encodes it as Opus at 12 kbit/s (about 55 KB for 46 s).
Needs espeak-ng, sox and ffmpeg (``apt-get install espeak-ng sox ffmpeg``).
"""

import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from media_helpers import concat, fit, silence, speak  # noqa: E402

CUES = 6


def seconds(clock: str) -> float:
    h, m, s = clock.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def main() -> None:
    vtt = Path("transcripts/INT01.vtt").read_text(encoding="utf-8")
    cues = re.findall(r"(\d\d:\d\d:\d\d\.\d+) --> (\d\d:\d\d:\d\d\.\d+)\n(.+)", vtt)
    tmp = Path(tempfile.mkdtemp())
    parts, now = [], 0.0
    for i, (first, last, line) in enumerate(cues[:CUES]):
        start, end = seconds(first), seconds(last)
        said = re.sub(r"<[^>]+>", "", line)
        said = said.split(": ", 1)[-1] if said.startswith("Interviewer:") else said
        if start > now:
            parts.append(silence(start - now, tmp / f"gap{i}.wav"))
        parts.append(fit(speak(said, tmp / f"s{i}.wav"), end - start, tmp / f"f{i}.wav"))
        now = end
    joined = concat(parts, tmp / "all.wav")
    subprocess.run(
        [
            "ffmpeg",
            "-y",
            "-loglevel",
            "error",
            "-i",
            str(joined),
            "-ac",
            "1",
            "-c:a",
            "libopus",
            "-b:a",
            "12k",
            "-application",
            "voip",
            "transcripts/INT01.ogg",
        ],
        check=True,
    )
    print(f"transcripts/INT01.ogg: {now:.1f} s")


if __name__ == "__main__":
    main()
