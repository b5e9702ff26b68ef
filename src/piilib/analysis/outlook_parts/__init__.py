"""The parts of `piilib.analysis.outlook`, split by concern. Import from `piilib.analysis.outlook`,
which re-exports every name; these modules are its implementation."""
