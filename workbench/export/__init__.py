"""Exports: figures (Sankey, heat map), networks, tables and reports built from the core."""
