-- A job's priority class (docs/operations.md, "Priority classes"): what a person is waiting for.
-- The broker orders messages by it; the row keeps it for the job's JSON, for a message sent
-- again (reconciler, recovery) and for fair shares, which count an owner's queued jobs per class.
ALTER TABLE jobs ADD COLUMN priority_class text NOT NULL DEFAULT 'interactive'
    CHECK (priority_class IN ('live', 'interactive', 'batch'));
UPDATE jobs SET priority_class = 'live' WHERE kind IN ('interview_start', 'interview_turn');
UPDATE jobs SET priority_class = 'batch' WHERE kind IN ('interview_report', 'ingest');
