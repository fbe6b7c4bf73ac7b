"""Pure functions from cell grids to tidy rows: values, periods, targets, RAG, and the readers of each layout."""
