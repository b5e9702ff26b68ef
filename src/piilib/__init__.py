"""piilib: the Provincial Innovation Index engine, data layer and analysis."""

__version__ = "0.1.0"
