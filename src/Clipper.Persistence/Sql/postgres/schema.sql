-- Clipper's tables for the Orleans ADO.NET grain storage and reminder providers, PostgreSQL dialect.
-- Written for this project from the providers' contract. ClipperStorage.EnsureSchemaAsync runs this in
-- one transaction holding an advisory lock (concurrent CREATE ... IF NOT EXISTS can otherwise collide),
-- then upserts one OrleansQuery row per query file beside it; every statement here must stay safe to run
-- again on an existing database. Identifiers are unquoted, so they fold to lower case, as Orleans' own
-- unquoted "SELECT QueryKey, QueryText FROM OrleansQuery" does.

-- Orleans loads its statements from this table by key; the table and column names are fixed by Orleans.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

-- One row per grain state. Orleans passes the persistent-state name (not the grain class) as the type,
-- and a grain key as two 64-bit halves (Guid or long keys) plus a string (a string key, or the key
-- extension of a Guid/long key, or NULL when there is neither). The hashes Orleans also passes are not
-- stored: the natural key is indexed directly.
CREATE TABLE IF NOT EXISTS clipper_grain_state
(
    service_id  text        NOT NULL,
    state_name  text        NOT NULL,
    key_n0      bigint      NOT NULL,
    key_n1      bigint      NOT NULL,
    key_string  text        NULL,
    payload     bytea       NULL,     -- NULL once the state is cleared; the row keeps the version
    version     integer     NOT NULL, -- the ETag; changes on every write and clear
    modified_at timestamptz NOT NULL DEFAULT now()
);

-- key_string may be NULL, and a plain unique index treats NULLs as distinct: index NULL-ness and the
-- value separately so that "no string" and "empty string" are two keys and neither can be duplicated.
CREATE UNIQUE INDEX IF NOT EXISTS clipper_grain_state_key
    ON clipper_grain_state (service_id, state_name, key_n0, key_n1, (key_string IS NULL), coalesce(key_string, ''));

-- One row per reminder. grain_hash is Orleans' uniform hash of the grain id as a signed 32-bit integer
-- (the ring ranges arrive signed too); period_ms is milliseconds.
CREATE TABLE IF NOT EXISTS clipper_reminder
(
    service_id    text        NOT NULL,
    grain_id      text        NOT NULL,
    reminder_name text        NOT NULL,
    start_time    timestamptz NOT NULL,
    period_ms     bigint      NOT NULL,
    grain_hash    integer     NOT NULL,
    version       integer     NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX IF NOT EXISTS clipper_reminder_ring ON clipper_reminder (service_id, grain_hash);
