"""Writes of the enterprise app, `<entity>_<verb>`, keyword-only and atomic."""
