"""workbench: code qualitative interviews offline, from a terminal or a script."""

__version__ = "0.1.0"
