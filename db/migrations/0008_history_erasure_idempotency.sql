-- History, erasure, retention and idempotency.

-- An erased interview's jobs stay as tombstones (kind, status, timings: metrics keep counting)
-- with their candidate content removed; the api answers 404 for them.
ALTER TABLE jobs ADD COLUMN erased_at timestamptz;
ALTER TABLE jobs DROP CONSTRAINT jobs_interview_id_fkey,
    ADD CONSTRAINT jobs_interview_id_fkey FOREIGN KEY (interview_id)
        REFERENCES interviews(id) ON DELETE SET NULL;
-- An invite's erased interviews still count against its `max_interviews`.
ALTER TABLE invites ADD COLUMN erased_interviews integer NOT NULL DEFAULT 0;
-- Listing pages by (created_at, id), newest first.
CREATE INDEX jobs_owner_page_idx ON jobs (owner_id, created_at DESC, id DESC)
    WHERE erased_at IS NULL;
CREATE INDEX interviews_owner_page_idx ON interviews (owner_id, created_at DESC, id DESC);

-- Artifacts expire (ARTIFACT_RETENTION_DAYS) while the rows that named them remain: the
-- reference becomes NULL instead of blocking the deletion.
ALTER TABLE interview_turns ALTER COLUMN answer_artifact_id DROP NOT NULL;
ALTER TABLE interview_turns
    DROP CONSTRAINT interview_turns_answer_artifact_id_fkey,
    ADD CONSTRAINT interview_turns_answer_artifact_id_fkey FOREIGN KEY (answer_artifact_id)
        REFERENCES artifacts(id) ON DELETE SET NULL,
    DROP CONSTRAINT interview_turns_audio_artifact_id_fkey,
    ADD CONSTRAINT interview_turns_audio_artifact_id_fkey FOREIGN KEY (audio_artifact_id)
        REFERENCES artifacts(id) ON DELETE SET NULL;
ALTER TABLE interviews
    DROP CONSTRAINT interviews_opening_audio_artifact_id_fkey,
    ADD CONSTRAINT interviews_opening_audio_artifact_id_fkey
        FOREIGN KEY (opening_audio_artifact_id) REFERENCES artifacts(id) ON DELETE SET NULL,
    DROP CONSTRAINT interviews_resume_artifact_id_fkey,
    ADD CONSTRAINT interviews_resume_artifact_id_fkey
        FOREIGN KEY (resume_artifact_id) REFERENCES artifacts(id) ON DELETE SET NULL,
    DROP CONSTRAINT interviews_job_posting_artifact_id_fkey,
    ADD CONSTRAINT interviews_job_posting_artifact_id_fkey
        FOREIGN KEY (job_posting_artifact_id) REFERENCES artifacts(id) ON DELETE SET NULL;
ALTER TABLE documents
    DROP CONSTRAINT documents_source_artifact_id_fkey,
    ADD CONSTRAINT documents_source_artifact_id_fkey
        FOREIGN KEY (source_artifact_id) REFERENCES artifacts(id) ON DELETE SET NULL;
CREATE INDEX artifacts_created_idx ON artifacts (created_at);

-- Idempotency-Key: the first response to (credential, key) is replayed to every retry of the
-- same request. `status` is NULL while the first request is still being answered.
CREATE TABLE idempotency_keys (
    scope         text NOT NULL,          -- sha256 of the credential: keys are per caller
    key           text NOT NULL,
    request_hash  text NOT NULL,          -- method, path, content type and body (normalized)
    status        integer,
    headers       jsonb,
    body          bytea,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
