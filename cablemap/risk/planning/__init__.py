"""Where trusted investment helps most: candidates, their measured benefit, a portfolio."""
