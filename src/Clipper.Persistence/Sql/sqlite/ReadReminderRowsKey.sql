-- Every reminder of one grain.
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period_ms AS Period, version AS Version
FROM clipper_reminder
WHERE service_id = @ServiceId AND grain_id = @GrainId;
