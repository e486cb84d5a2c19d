-- NuGet package ids are case-insensitive, and keys are now made with the name lowercased (as for npm or deb): the
-- keys of the NuGet packages stored before are lowercased too, so that they keep matching. Where one project listed
-- the same package twice in different cases (with the same relation), one of the two is kept: lowercased, they
-- would be the same row.
DELETE FROM project_packages a USING project_packages b
WHERE a.package_key LIKE 'nuget/%' AND b.package_key LIKE 'nuget/%'
  AND a.project_id = b.project_id AND a.relation = b.relation
  AND lower(a.package_key) = lower(b.package_key) AND a.package_key > b.package_key;
UPDATE project_packages SET package_key = lower(package_key) WHERE package_key LIKE 'nuget/%' AND package_key <> lower(package_key);
