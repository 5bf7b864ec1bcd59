"""Getting data into the graph: canonical ingest files, loaders, the synthetic community."""
