"""What the command line offers: variants, PDF standards, the default memory limit.

A module of plain values, importing nothing, so that `generate.py` can build its options
(and answer `--help`) without loading WeasyPrint, pydantic or the rest. Papers are
`leaflets/paper.py`'s.
"""

# The ways of printing a leaflet (leaflets/leaflet.py defines each Variant).
VARIANT_NAMES = ("standard", "large-print", "print-shop")

# What `build --format` offers, and the files each makes: the PDF, the web version, or both.
FORMATS = {"pdf": ("pdf",), "html": ("html",), "all": ("pdf", "html")}

# What --pdf-variant accepts: PDF/UA for screen readers, PDF/A for archiving. Every one of
# them is written tagged, so the archival copies stay accessible.
PDF_VARIANTS = (
    "pdf/ua-1",
    "pdf/ua-2",
    "pdf/a-2a",
    "pdf/a-2b",
    "pdf/a-2u",
    "pdf/a-3a",
    "pdf/a-3b",
    "pdf/a-3u",
)

# The address space (RLIMIT_AS) a worker may add to what it is forked with. Measured: a
# CLI worker forked at 141 MB making every example leaflet (standard, large print, print
# shop; en, es) peaks at 407-529 MB virtual (119-139 MB resident), and at 518 MB (248 MB
# resident) with the largest logo allowed (4000 x 4000): under 390 MB added; 2.6 times that.
MEMORY_LIMIT_MB = 1024
