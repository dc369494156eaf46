"""The network through time: scores as of each year, new cables per year by supplier tier."""
