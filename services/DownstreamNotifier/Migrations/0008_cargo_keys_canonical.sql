-- crates.io treats crate names that differ only in ASCII case or in '-' versus '_' as one crate, and keys are now made
-- folded so (PackageUrl.CrateName: A-Z to a-z, '-' to '_', nothing else; a cargo purl has no namespace, and one given
-- is folded alike): the cargo keys stored before are folded too, everything after "cargo/". translate() folds exactly
-- those characters whatever the database's locale. Where one project listed the same crate twice in two spellings
-- (with the same relation), one of the two is kept: folded, they would be the same row.
DELETE FROM project_packages a USING project_packages b
WHERE a.package_key LIKE 'cargo/%' AND b.package_key LIKE 'cargo/%'
  AND a.project_id = b.project_id AND a.relation = b.relation
  AND translate(a.package_key, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ-', 'abcdefghijklmnopqrstuvwxyz_')
    = translate(b.package_key, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ-', 'abcdefghijklmnopqrstuvwxyz_')
  AND a.package_key > b.package_key;
UPDATE project_packages
SET package_key = 'cargo/' || translate(substr(package_key, 7), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ-', 'abcdefghijklmnopqrstuvwxyz_')
WHERE package_key LIKE 'cargo/%' AND substr(package_key, 7) ~ '[A-Z-]';
