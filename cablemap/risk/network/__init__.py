"""The cable network as a graph: segments, land links, connectivity, exact resilience, paths."""
