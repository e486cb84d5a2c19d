-- The disclosure schema's first tables come with the disclosure issue; this marks the schema as the service's own.
COMMENT ON SCHEMA disclosure IS 'Owned by the disclosure service';
