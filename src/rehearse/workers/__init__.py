"""The gpu and cpu workers: start-up and step handlers; neither imports the other."""
