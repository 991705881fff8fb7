"""The web page for clinic staff: make a leaflet, brand a clinic (`python generate.py serve`).

It does what the CLI does, through the same functions: `load_branding`, `load_handout`,
`make_leaflet`, `render_pages`, and the CLI's messages. Besides `scaffold.py`, this is the one
place that writes into `clinics/`: a clinic file saved from the form, and an uploaded logo.
Nothing here writes to the output folder; a leaflet made on the page is downloaded from memory.
"""

from .app import PASSWORD_VARIABLE, create_app
from .server import running, serve

__all__ = ["PASSWORD_VARIABLE", "create_app", "running", "serve"]
