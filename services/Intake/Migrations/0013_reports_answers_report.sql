-- A mailed follow-up (a reply in a report's thread) records the report it answers: when that report opens a case or is
-- merged into one, its follow-ups received before triage join the case with it (they used to stay apart, untriaged).
-- Those received so far are filled from their report.received entries, which named the report they answered (one whose
-- report was filed with a case before this stays as it is: the team may have dealt with it already).
ALTER TABLE reports ADD COLUMN answers_report_id uuid;
UPDATE reports r SET answers_report_id = (a.detail->>'answersReportId')::uuid
FROM audit_log a
WHERE a.action = 'report.received' AND a.detail->>'reportId' = r.id::text AND a.detail->>'answersReportId' IS NOT NULL;
CREATE INDEX reports_answers_report ON reports (answers_report_id) WHERE answers_report_id IS NOT NULL;
