"""One module per endpoint group; each holds the sync resource class and its async twin."""
