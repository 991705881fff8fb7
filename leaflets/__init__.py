"""Clinic-branded, print-ready patient leaflets from trusted Markdown handouts."""

__version__ = "0.1.0"
