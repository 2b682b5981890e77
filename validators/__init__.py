"""Validation layers: level 1 (file and XSD), level 2 (rules inside one message), and later
levels that need earlier messages or regional data. Depends on ``berichten``, never the reverse."""

from berichten.validators.engine import REGISTRY, Rule, RuleContext, RuleRegistry
from berichten.validators.pipeline import ValidationResult, Validator
from berichten.validators.xsd import SchemaSet

__all__ = ["REGISTRY", "Rule", "RuleContext", "RuleRegistry", "SchemaSet", "ValidationResult", "Validator"]
