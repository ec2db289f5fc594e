"""site-gen: the official account registry of an education system, from Git filings to a
public portal, open data and the bureaus' spreadsheets."""

__version__ = "0.1.0"
