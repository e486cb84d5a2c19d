-- The embargo schema's first tables come with the embargo-scheduler issue; this marks the schema as the service's own.
COMMENT ON SCHEMA embargo IS 'Owned by the embargo-scheduler service';
