"""SubRip (.srt) transcripts: numbered cues with ``00:00:01,000`` timings (see ``captions``)."""

from workbench.ingest.captions import parse_srt

__all__ = ["parse_srt"]
