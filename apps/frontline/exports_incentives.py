"""Excel exports registered with apps.core.exports."""
