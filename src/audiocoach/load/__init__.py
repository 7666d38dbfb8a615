"""Load: YAML -> validated model."""
