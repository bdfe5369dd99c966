-- The job that made an artifact: a turn's question spoken early (before the turn is recorded)
-- is then playable by the invite whose interview the job belongs to.
ALTER TABLE artifacts ADD COLUMN job_id uuid REFERENCES jobs(id) ON DELETE SET NULL;
