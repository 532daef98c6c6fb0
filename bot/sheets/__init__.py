"""Listings kept in a spreadsheet: the template an admin fills in, and its import as region YAML."""
