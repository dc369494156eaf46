"""What breaks when cables, areas or vendors fail: cuts and the scenario engine."""
