"""The gpu worker: one process, one job at a time, models kept within a memory budget."""
