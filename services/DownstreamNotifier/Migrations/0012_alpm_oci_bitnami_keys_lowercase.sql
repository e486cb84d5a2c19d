-- alpm, oci and bitnami package names are case-insensitive (the purl spec's type definitions), and keys are now made
-- lowercased (PackageUrl.Normalise): the keys of such packages stored before are lowercased too, so that they keep
-- matching. Where one project listed the same package twice in different cases (with the same relation), one of the
-- two is kept: lowercased, they would be the same row. As 0006 did for NuGet.
DELETE FROM project_packages a USING project_packages b
WHERE split_part(a.package_key, '/', 1) IN ('alpm', 'oci', 'bitnami')
  AND split_part(b.package_key, '/', 1) = split_part(a.package_key, '/', 1)
  AND a.project_id = b.project_id AND a.relation = b.relation
  AND lower(a.package_key) = lower(b.package_key) AND a.package_key > b.package_key;
UPDATE project_packages SET package_key = lower(package_key)
WHERE split_part(package_key, '/', 1) IN ('alpm', 'oci', 'bitnami') AND package_key <> lower(package_key);
