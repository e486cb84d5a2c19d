-- Fails half-way on a value PostgreSQL quotes in its message: the table made before it must not remain.
CREATE TABLE fixture_half_done (id int);
INSERT INTO fixture_rows (id) VALUES ('ROW-VALUE-9f1c'::uuid);
