-- The reminders of a ring range that wraps past the top (begin >= end, compared signed): (begin, max] and [min, end].
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period_ms AS Period, version AS Version
FROM clipper_reminder
WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash);
