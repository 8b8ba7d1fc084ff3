"""Analyses over a project's codings: pure functions on data read in bulk, fast and tested."""
