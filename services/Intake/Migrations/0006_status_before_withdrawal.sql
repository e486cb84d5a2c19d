-- The status a case had when its withdrawal was requested: a refused withdrawal puts the case back there.
ALTER TABLE cases ADD COLUMN status_before_withdrawal text NULL;
