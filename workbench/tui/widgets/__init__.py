"""Widgets of the coding app, one per area of the screen."""
