"""Placeholder: filled by the rule-engine work."""
