-- API keys, jobs and artifacts: the record of every request.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE api_keys (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL,
    key_hash    text NOT NULL UNIQUE,          -- sha256 of the key; the key itself is never stored
    prefix      text NOT NULL,                 -- first characters, to tell keys apart in listings
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

CREATE TABLE artifacts (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id      uuid NOT NULL REFERENCES api_keys(id),
    content_type  text NOT NULL,
    size          bigint NOT NULL,
    sha256        text NOT NULL,
    data          bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX artifacts_owner_idx ON artifacts (owner_id);

CREATE TABLE jobs (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind         text NOT NULL,
    status       text NOT NULL DEFAULT 'queued'
                 CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
    owner_id     uuid NOT NULL REFERENCES api_keys(id),
    params       jsonb NOT NULL DEFAULT '{}',
    result       jsonb,
    error        jsonb,
    attempts     integer NOT NULL DEFAULT 0,
    worker       text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    finished_at  timestamptz,
    timings      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX jobs_owner_created_idx ON jobs (owner_id, created_at DESC);
CREATE INDEX jobs_running_worker_idx ON jobs (worker) WHERE status = 'running';
