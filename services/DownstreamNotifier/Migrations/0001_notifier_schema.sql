-- The notifier schema's first tables come with the downstream-notifier issue; this marks the schema as the service's own.
COMMENT ON SCHEMA notifier IS 'Owned by the downstream-notifier service';
