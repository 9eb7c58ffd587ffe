-- Remove a reminder if it still has the given version. Orleans reads exactly one row with one boolean
-- column, also when nothing matched.
WITH deleted AS (
    DELETE FROM clipper_reminder
    WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND version = @Version
    RETURNING 1
)
SELECT count(*) > 0 AS "Deleted" FROM deleted;
