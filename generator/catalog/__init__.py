"""The catalog: YAML read with positions, shape-checked by the model's dataclasses, cross-checked, ICD-10-CM facts, course layers."""
