-- Documents and their chunks with BGE-M3 vectors, for retrieval by owner and collection.
--
-- dense is halfvec(1024): bench/vector_search.py measured the same recall@10 as vector(1024)
-- at ef_search 40 and 100, at half the size and a faster HNSW build. sparse is sparsevec over
-- BGE-M3's 250002 token ids (pgvector indices are 1-based: token id t is index t + 1): `<#>`
-- is the model's lexical score and `<=>` its cosine, computed in SQL ~15x faster than the same
-- weights in jsonb, in less than half the space.

CREATE TABLE documents (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id      uuid NOT NULL REFERENCES api_keys(id),
    collection    text NOT NULL,
    title         text,
    filename      text,
    content_type  text NOT NULL,
    text          text NOT NULL,               -- extracted by the api; the ingest job chunks it
    char_count    integer NOT NULL,
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ready')),
    job_id        uuid REFERENCES jobs(id),    -- the ingest job; its status tells pending apart
    chunk_count   integer NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    ready_at      timestamptz
);
CREATE INDEX documents_owner_collection_idx ON documents (owner_id, collection, created_at DESC);

CREATE TABLE chunks (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    document_id  uuid NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    -- Copied from the document so a search filters chunks without a join.
    owner_id     uuid NOT NULL,
    collection   text NOT NULL,
    position     integer NOT NULL,
    text         text NOT NULL,
    token_count  integer NOT NULL,
    start_char   integer NOT NULL,
    end_char     integer NOT NULL,
    dense        halfvec(1024) NOT NULL,
    sparse       sparsevec(250002) NOT NULL,
    UNIQUE (document_id, position)
);
-- Small collections are searched exactly through this index; large ones through HNSW.
CREATE INDEX chunks_owner_collection_idx ON chunks (owner_id, collection);
CREATE INDEX chunks_dense_hnsw_idx ON chunks USING hnsw (dense halfvec_cosine_ops)
    WITH (m = 16, ef_construction = 64);
