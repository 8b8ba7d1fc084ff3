"""WebVTT (.vtt) transcripts: cues, voice tags and timestamps (see ``captions``)."""

from workbench.ingest.captions import parse_vtt

__all__ = ["parse_vtt"]
