-- Grain storage write with optimistic concurrency. With a version (the grain's ETag) only the row still
-- holding that version is updated; without one a new row is inserted unless the key already exists.
-- The new version comes back as NewGrainStateVersion; no row back means a conflict, which Orleans
-- raises as InconsistentStateException.
WITH updated AS (
    UPDATE clipper_grain_state
    SET payload = @PayloadBinary,
        version = CASE WHEN version >= 2147483647 THEN 1 ELSE version + 1 END,
        modified_at = now()
    WHERE @GrainStateVersion IS NOT NULL
      AND service_id = @ServiceId
  AND state_name = @GrainTypeString
  AND key_n0 = @GrainIdN0
  AND key_n1 = @GrainIdN1
  AND key_string IS NOT DISTINCT FROM @GrainIdExtensionString
      AND version = @GrainStateVersion
    RETURNING version
), inserted AS (
    INSERT INTO clipper_grain_state (service_id, state_name, key_n0, key_n1, key_string, payload, version)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString, @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version
)
SELECT version AS "NewGrainStateVersion" FROM updated
UNION ALL
SELECT version FROM inserted;
