"""Work on a large file in pieces on every core, the output written as one process alone would write it."""
