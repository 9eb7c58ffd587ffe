-- Clipper's tables for the Orleans ADO.NET grain storage and reminder providers, SQLite dialect.
-- Written for this project from the providers' contract. ClipperStorage.EnsureSchemaAsync runs this
-- inside BEGIN IMMEDIATE, then upserts one OrleansQuery row per query file beside it; every statement
-- here must stay safe to run again on an existing database.

-- Orleans loads its statements from this table by key; the table and column names are fixed by Orleans.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

-- One row per grain state. Orleans passes the persistent-state name (not the grain class) as the type,
-- and a grain key as two 64-bit halves (Guid or long keys) plus a string (a string key, or the key
-- extension of a Guid/long key, or NULL when there is neither). The hashes Orleans also passes are not
-- stored: the natural key is indexed directly.
CREATE TABLE IF NOT EXISTS clipper_grain_state
(
    service_id  TEXT    NOT NULL,
    state_name  TEXT    NOT NULL,
    key_n0      INTEGER NOT NULL,
    key_n1      INTEGER NOT NULL,
    key_string  TEXT    NULL,
    payload     BLOB    NULL,     -- NULL once the state is cleared; the row keeps the version
    version     INTEGER NOT NULL, -- the ETag; changes on every write and clear
    modified_at TEXT    NOT NULL
);

-- key_string may be NULL, and a plain unique index treats NULLs as distinct: index NULL-ness and the
-- value separately so that "no string" and "empty string" are two keys and neither can be duplicated.
CREATE UNIQUE INDEX IF NOT EXISTS clipper_grain_state_key
    ON clipper_grain_state (service_id, state_name, key_n0, key_n1, key_string IS NULL, ifnull(key_string, ''));

-- One row per reminder. grain_hash is Orleans' uniform hash of the grain id as a signed 32-bit integer
-- (the ring ranges arrive signed too); start_time is the UTC text Microsoft.Data.Sqlite writes for a
-- DateTime; period_ms is milliseconds.
CREATE TABLE IF NOT EXISTS clipper_reminder
(
    service_id    TEXT    NOT NULL,
    grain_id      TEXT    NOT NULL,
    reminder_name TEXT    NOT NULL,
    start_time    TEXT    NOT NULL,
    period_ms     INTEGER NOT NULL,
    grain_hash    INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX IF NOT EXISTS clipper_reminder_ring ON clipper_reminder (service_id, grain_hash);
