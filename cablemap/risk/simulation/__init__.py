"""Monte Carlo of faults and repairs: what can cut each place off, the years, the calibration."""
