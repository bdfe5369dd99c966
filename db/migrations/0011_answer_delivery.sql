-- How an interview answer was said (docs/delivery.md), by the turn job that measured it.
-- Its own table: it is written beside the job's chain, before or after the turn is recorded.
CREATE TABLE answer_delivery (
    job_id uuid PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
    delivery jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
