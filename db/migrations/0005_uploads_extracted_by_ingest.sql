-- Uploaded documents, resumes and postings are stored as artifacts and extracted by the cpu
-- ingest step (bounded there), not in the api request; until then their text is NULL.
-- A document whose ingest job fails or is canceled says so itself instead of staying `pending`.
ALTER TABLE documents
    ALTER COLUMN text DROP NOT NULL,
    ADD COLUMN source_artifact_id uuid REFERENCES artifacts(id),
    DROP CONSTRAINT documents_status_check,
    ADD CONSTRAINT documents_status_check
        CHECK (status IN ('pending', 'ready', 'failed', 'canceled'));

ALTER TABLE interviews
    ALTER COLUMN resume_text DROP NOT NULL,
    ALTER COLUMN job_posting_text DROP NOT NULL,
    ADD COLUMN resume_artifact_id uuid REFERENCES artifacts(id),
    ADD COLUMN job_posting_artifact_id uuid REFERENCES artifacts(id);

-- In the database, so every way a job ends (worker, api, recovery, a worker that died too often)
-- moves its document along.
CREATE FUNCTION documents_follow_ingest_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE documents SET status = NEW.status WHERE job_id = NEW.id AND status = 'pending';
    RETURN NULL;
END
$$;

CREATE TRIGGER jobs_end_ingest_documents
    AFTER UPDATE OF status ON jobs
    FOR EACH ROW
    WHEN (NEW.kind = 'ingest' AND NEW.status IN ('failed', 'canceled'))
    EXECUTE FUNCTION documents_follow_ingest_job();
