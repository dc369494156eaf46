"""Explainable scores: components, vendor exposure, sites and metros, the scored tables."""
