"""Printable outreach cards: fonts by script, line breaking, sheet layout and the PDF."""
