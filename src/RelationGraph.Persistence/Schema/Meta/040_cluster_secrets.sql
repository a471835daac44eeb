-- Secrets shared by every silo of the service, generated once by the first silo that needs one and kept across restarts.
-- `purpose` names the use ('page-cursor': the HMAC key sealing page cursors); a purpose may hold several keys during a
-- rotation: the highest key_id seals, every key_id still present opens.
CREATE TABLE cluster_secrets (
    purpose    text     NOT NULL,
    key_id     smallint NOT NULL CHECK (key_id BETWEEN 1 AND 255),
    secret     bytea    NOT NULL CHECK (length(secret) >= 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (purpose, key_id)
);
