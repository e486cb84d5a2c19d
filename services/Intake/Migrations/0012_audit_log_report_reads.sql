-- A report read before it was triaged is logged with no case; the case's timeline finds it by the report's id.
CREATE INDEX audit_log_report_reads ON audit_log ((detail->>'reportId')) WHERE case_id IS NULL AND action = 'report.read';
