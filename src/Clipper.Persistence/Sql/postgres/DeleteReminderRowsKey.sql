-- Every reminder of the service (Orleans calls it only from tests).
DELETE FROM clipper_reminder WHERE service_id = @ServiceId;
