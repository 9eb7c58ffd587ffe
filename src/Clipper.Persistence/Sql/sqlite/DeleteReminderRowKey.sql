-- Remove a reminder if it still has the given version. Orleans reads exactly one row with one boolean
-- column, also when nothing matched, so the count of the DELETE is selected separately (changes() is
-- this connection's last statement).
DELETE FROM clipper_reminder
WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND version = @Version;

SELECT changes() > 0 AS Deleted;
