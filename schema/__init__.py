"""The JSON Schemas of the registry, installed as the package data ``site_gen.schema``."""
