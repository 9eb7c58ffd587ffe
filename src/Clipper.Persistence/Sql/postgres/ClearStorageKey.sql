-- Grain storage clear (the default): drop the payload, keep the row, bump the version. Returns the new
-- version, or no row when the grain's version is stale.
UPDATE clipper_grain_state
SET payload = NULL,
    version = CASE WHEN version >= 2147483647 THEN 1 ELSE version + 1 END,
    modified_at = now()
WHERE service_id = @ServiceId
  AND state_name = @GrainTypeString
  AND key_n0 = @GrainIdN0
  AND key_n1 = @GrainIdN1
  AND key_string IS NOT DISTINCT FROM @GrainIdExtensionString
  AND version = @GrainStateVersion
RETURNING version AS "Version";
