"""The ingest job: batches of items, pipelined writes, resolution, rejects and checkpoints."""
