-- Insert or replace a reminder; the returned Version (its ETag) changes on every upsert.
INSERT INTO clipper_reminder (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 1)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET start_time = excluded.start_time,
    period_ms = excluded.period_ms,
    grain_hash = excluded.grain_hash,
    version = CASE WHEN clipper_reminder.version >= 2147483647 THEN 1 ELSE clipper_reminder.version + 1 END
RETURNING version AS "Version";
