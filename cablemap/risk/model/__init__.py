"""The model files analysts edit: the scoring model, vendor profile, chokepoints and region."""
