-- The keys of every purl type whose names are matched whatever the case are made lowercase (PackageUrl.Normalise), but
-- the rule came type by type: npm and golang keys were stored as written for a while, Pub ones before their rule. Every
-- such key stored is lowercased here (those already lowercase are untouched), so that all keep matching. Where one
-- project listed the same package twice in different cases (with the same relation), one of the two is kept:
-- lowercased, they would be the same row. As 0006 and 0012 did for some of these types.
DELETE FROM project_packages a USING project_packages b
WHERE split_part(a.package_key, '/', 1) IN ('deb', 'apk', 'rpm', 'github', 'bitbucket', 'gitlab', 'composer', 'golang', 'hex', 'npm',
                                             'nuget', 'pub', 'alpm', 'oci', 'bitnami')
  AND split_part(b.package_key, '/', 1) = split_part(a.package_key, '/', 1)
  AND a.project_id = b.project_id AND a.relation = b.relation
  AND lower(a.package_key) = lower(b.package_key) AND a.package_key > b.package_key;
UPDATE project_packages SET package_key = lower(package_key)
WHERE split_part(package_key, '/', 1) IN ('deb', 'apk', 'rpm', 'github', 'bitbucket', 'gitlab', 'composer', 'golang', 'hex', 'npm',
                                           'nuget', 'pub', 'alpm', 'oci', 'bitnami')
  AND package_key <> lower(package_key);
