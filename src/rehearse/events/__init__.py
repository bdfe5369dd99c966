"""Job event streams on Redis: the contract's events appended and read."""
