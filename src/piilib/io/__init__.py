"""Importing the official indicator file: read, validate, and the entry template.

- `read_values(path, edition=None)`: CSV or .xlsx (long or wide layout) -> tidy long frame
  (`piilib.schema.LONG_COLUMNS`, provenance "official"); raises `OfficialFileError` with
  every problem found.
- `validate_file(path, edition=None)`: the same checks, returning a `ValidationResult`
  (frame, problems, one-line summary) instead of raising.
- `write_template(edition, out)`: the entry workbook for the 15 July collection.
"""

from piilib.io.problems import OfficialFileError, Problem
from piilib.io.template import build_template, write_template
from piilib.io.validate import ValidationResult, read_values, validate_file

__all__ = [
    "OfficialFileError",
    "Problem",
    "ValidationResult",
    "build_template",
    "read_values",
    "validate_file",
    "write_template",
]
