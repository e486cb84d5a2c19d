-- The intake schema's first tables come with the intake issue; this marks the schema as the service's own.
COMMENT ON SCHEMA intake IS 'Owned by the intake service';
