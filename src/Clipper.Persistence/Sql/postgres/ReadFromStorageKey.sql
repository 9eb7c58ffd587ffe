-- Grain storage read: at most one row. A NULL payload (cleared state) still returns its version.
SELECT payload AS "PayloadBinary", version AS "Version"
FROM clipper_grain_state
WHERE service_id = @ServiceId
  AND state_name = @GrainTypeString
  AND key_n0 = @GrainIdN0
  AND key_n1 = @GrainIdN1
  AND key_string IS NOT DISTINCT FROM @GrainIdExtensionString;
