-- Grain storage clear with DeleteStateOnClear: delete the row. Orleans still checks that the returned
-- version differs from the one it passed, so return the next one; no row back means a stale version.
DELETE FROM clipper_grain_state
WHERE service_id = @ServiceId
  AND state_name = @GrainTypeString
  AND key_n0 = @GrainIdN0
  AND key_n1 = @GrainIdN1
  AND key_string IS @GrainIdExtensionString
  AND version = @GrainStateVersion
RETURNING CASE WHEN version >= 2147483647 THEN 1 ELSE version + 1 END AS Version;
