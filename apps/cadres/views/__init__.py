"""Cadre pages: list, detail, create/edit, trash, export, and the unit browser."""
