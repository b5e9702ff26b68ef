"""A faster start for the build's own processes (the build, its workers, Jupyter Book).

jsonschema, which nbformat, papermill and Jupyter Book import, compiles some forty URI
grammars on import when the optional package rfc3987_syntax is installed: about a CPU second
in every process, several per build, one of them on the way of every rebuild. The grammars
serve only jsonschema's "iri" formats, which none of these packages' schemas use; the build's
processes therefore run without them. Import this module before nbformat (or call
`skip_iri_grammars` first thing in a new process).
"""

from __future__ import annotations

import sys

# Put first in `python -c` code that starts Jupyter Book.
STARTUP_CODE = "import sys; sys.modules.setdefault('rfc3987_syntax', None)"


def skip_iri_grammars() -> None:
    """Make `import rfc3987_syntax` fail in this process (jsonschema then goes without its
    "iri" format checks); no effect once jsonschema is imported."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


skip_iri_grammars()
