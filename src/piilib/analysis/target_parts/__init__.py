"""The parts of `piilib.analysis.targets`, split by concern. Import from `piilib.analysis.targets`,
which re-exports every name; these modules are its implementation."""
