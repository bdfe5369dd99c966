-- Admission control counts queued jobs per kind and per key at every submission, the
-- reconciler scans unfinished jobs every few seconds, and Retry-After estimates come from
-- recently finished ones: each needs an index that stays small.
CREATE INDEX jobs_queued_kind_idx ON jobs (kind) WHERE status = 'queued';
CREATE INDEX jobs_queued_owner_idx ON jobs (owner_id) WHERE status = 'queued';
CREATE INDEX jobs_unfinished_idx ON jobs (created_at) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_finished_at_idx ON jobs (finished_at) WHERE finished_at IS NOT NULL;
