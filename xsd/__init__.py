"""Our XSD files, one folder per standard and release (package data)."""
