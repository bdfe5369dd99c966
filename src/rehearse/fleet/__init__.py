"""The workers as a fleet: presence, reconciler, recovery, broker holdings, metrics targets,
housekeeping.
"""
