-- Mock interviews and their turns. A turn row is written only when the whole turn succeeded.
CREATE TABLE interviews (
    id                         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id                   uuid NOT NULL REFERENCES api_keys(id),
    language                   text NOT NULL CHECK (language IN ('ko', 'en')),
    role                       text,
    persona                    text,
    max_questions              integer NOT NULL CHECK (max_questions BETWEEN 1 AND 50),
    status                     text NOT NULL DEFAULT 'starting'
                               CHECK (status IN ('starting', 'active', 'finished', 'failed')),
    collection                 text NOT NULL,
    resume_text                text NOT NULL,
    job_posting_text           text NOT NULL,
    prompt_version             text NOT NULL,
    start_job_id               uuid REFERENCES jobs(id),
    opening_question           text,
    opening_audio_artifact_id  uuid REFERENCES artifacts(id),
    report_job_id              uuid REFERENCES jobs(id),
    report                     jsonb,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    finished_at                timestamptz
);
CREATE INDEX interviews_owner_idx ON interviews (owner_id, created_at DESC);

CREATE TABLE interview_turns (
    id                  uuid PRIMARY KEY,
    interview_id        uuid NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
    number              integer NOT NULL CHECK (number >= 1),
    job_id              uuid NOT NULL REFERENCES jobs(id),
    question            text NOT NULL,
    answer_artifact_id  uuid NOT NULL REFERENCES artifacts(id),
    transcript          text NOT NULL,
    language            text,
    feedback            jsonb NOT NULL,
    next_question       text,
    audio_artifact_id   uuid REFERENCES artifacts(id),
    retrieved           jsonb NOT NULL DEFAULT '[]',
    created_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (interview_id, number)
);

-- Which interview a job works for: one answer at a time, found without scanning params.
ALTER TABLE jobs ADD COLUMN interview_id uuid REFERENCES interviews(id) ON DELETE CASCADE;
CREATE INDEX jobs_interview_active_idx ON jobs (interview_id)
    WHERE status IN ('queued', 'running');
