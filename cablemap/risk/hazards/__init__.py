"""Hazards: fault rates per segment under the fault model, and seismic hotspots."""
