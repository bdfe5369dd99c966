"""The cpu worker: BGE-M3 embeddings, document chunking and pgvector writes."""
