-- `rehearse keys list` shows when each key was last used (written at most once a minute).
ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz;
