-- A fixture of MigrationRunnerTests (embedded in the test assembly only).
CREATE TABLE fixture_rows (id uuid PRIMARY KEY);
