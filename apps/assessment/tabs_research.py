"""Filled by this area of the app."""
