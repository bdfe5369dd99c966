-- Invites: short-lived browser credentials scoped to the interviews they create.
CREATE TABLE invites (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id        uuid NOT NULL REFERENCES api_keys(id),   -- the operator key that minted it
    token_hash      text NOT NULL UNIQUE,                   -- sha256; the token is never stored
    language        text CHECK (language IN ('ko', 'en')),
    max_interviews  integer NOT NULL CHECK (max_interviews BETWEEN 1 AND 100),
    expires_at      timestamptz NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE interviews ADD COLUMN invite_id uuid REFERENCES invites(id);
CREATE INDEX interviews_invite_idx ON interviews (invite_id) WHERE invite_id IS NOT NULL;
