"""`python -m civicgraph` runs the console script."""

from civicgraph.cli import main

main()
