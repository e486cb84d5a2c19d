-- An Embargoed round a member's change of the overrides starts warns only the projects that change adds (included,
-- or no longer excluded), not every recipient not warned yet: those registered since wait for POST .../recipients/warn.
CREATE TABLE round_scopes (
    notification_id uuid   PRIMARY KEY,
    project_ids     uuid[] NOT NULL
);
