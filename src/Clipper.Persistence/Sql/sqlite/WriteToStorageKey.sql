-- Grain storage write with optimistic concurrency. With a version (the grain's ETag) only the row still
-- holding that version is updated; without one a new row is inserted unless the key already exists.
-- The new version comes back as NewGrainStateVersion; no row back means a conflict, which Orleans
-- raises as InconsistentStateException. The two statements exclude each other, each is atomic alone.
UPDATE clipper_grain_state
SET payload = @PayloadBinary,
    version = CASE WHEN version >= 2147483647 THEN 1 ELSE version + 1 END,
    modified_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE @GrainStateVersion IS NOT NULL
  AND service_id = @ServiceId
  AND state_name = @GrainTypeString
  AND key_n0 = @GrainIdN0
  AND key_n1 = @GrainIdN1
  AND key_string IS @GrainIdExtensionString
  AND version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion;

-- (the WHERE also keeps SQLite from reading ON CONFLICT as part of the SELECT)
INSERT INTO clipper_grain_state (service_id, state_name, key_n0, key_n1, key_string, payload, version, modified_at)
SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString, @PayloadBinary, 1,
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE @GrainStateVersion IS NULL
ON CONFLICT DO NOTHING
RETURNING version AS NewGrainStateVersion;
