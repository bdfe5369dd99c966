-- Invites are revocable: a withdrawn invite's token is refused (401 `invite_revoked`).
ALTER TABLE invites ADD COLUMN revoked_at timestamptz;
-- `GET /v1/invites` pages an operator's invites by (created_at, id), newest first.
CREATE INDEX invites_owner_page_idx ON invites (owner_id, created_at DESC, id DESC);
