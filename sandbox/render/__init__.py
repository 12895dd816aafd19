"""Headless rendering: frame readback, video encoding and the movie loop."""
