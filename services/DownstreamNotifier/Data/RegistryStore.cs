using Dapper;
using DownstreamNotifier.Packages;
using DownstreamNotifier.Registry;
using Npgsql;

namespace DownstreamNotifier.Data;

/// <summary>Projects, their packages and contacts.</summary>
public static class RegistryStore
{
    private const string InsertProjectSql = """
        INSERT INTO projects (id, name, ecosystem, homepage, channels, created_at, updated_at)
        VALUES (@Id, @Name, @Ecosystem, @Homepage, @Channels, @Now, @Now)
        """;

    private const string UpdateProjectSql = """
        UPDATE projects SET name = @Name, ecosystem = @Ecosystem, homepage = @Homepage, channels = @Channels, updated_at = @Now
        WHERE id = @Id
        """;

    private const string MergeProjectSql = """
        UPDATE projects SET name = @Name,
            ecosystem = CASE WHEN @SetEcosystem THEN @Ecosystem ELSE ecosystem END,
            homepage = CASE WHEN @SetHomepage THEN @Homepage ELSE homepage END,
            channels = CASE WHEN @SetChannels THEN @Channels ELSE channels END,
            updated_at = @Now
        WHERE id = @Id
        """;

    private const string DeletePackagesSql = "DELETE FROM project_packages WHERE project_id = @Id";

    private const string InsertPackageSql = """
        INSERT INTO project_packages (project_id, purl, package_key, relation) VALUES (@ProjectId, @Purl, @Key, @Relation)
        ON CONFLICT DO NOTHING
        """;

    private const string DeleteProjectSql = "DELETE FROM projects WHERE id = @Id";

    // Locked to the commit: a project deleted between an import row's look-up and its update would have the row update
    // nothing and report "imported" for a project that is gone, or its contacts refused by the foreign key. NO KEY
    // UPDATE, which a DELETE waits for but a contact's foreign-key check (KEY SHARE) does not.
    private const string ProjectByNameForImportSql = "SELECT id FROM projects WHERE lower(name) = lower(@Name) FOR NO KEY UPDATE";

    private const string ProjectsSql = """
        SELECT id, name, ecosystem, homepage, channels FROM projects
        WHERE (@Id::uuid IS NULL OR id = @Id) ORDER BY lower(name)
        """;

    private const string PackagesSql = """
        SELECT project_id, purl, relation FROM project_packages
        WHERE (@Id::uuid IS NULL OR project_id = @Id) ORDER BY project_id, purl
        """;

    private const string InsertContactSql = """
        INSERT INTO contacts (id, project_id, name, email, role, time_zone, public_key, key_fingerprint, key_expires_at, encryption_subkey, created_at, updated_at)
        VALUES (@Id, @ProjectId, @Name, @Email, @Role, @TimeZone, @PublicKey, @KeyFingerprint, @KeyExpiresAt, @EncryptionSubkey, @Now, @Now)
        """;

    // An imported contact the project has already keeps what the row does not give: above all its key (a CSV without a
    // public_key column, a JSON contact without publicKey), else its notices would go out unencrypted. An import never
    // removes a key; PUT /contacts/{id} does.
    private const string UpsertContactSql = """
        INSERT INTO contacts (id, project_id, name, email, role, time_zone, public_key, key_fingerprint, key_expires_at, encryption_subkey, created_at, updated_at)
        VALUES (@Id, @ProjectId, @Name, @Email, @Role, @TimeZone, @PublicKey, @KeyFingerprint, @KeyExpiresAt, @EncryptionSubkey, @Now, @Now)
        ON CONFLICT (project_id, lower(email)) DO UPDATE SET name = excluded.name,
            role = coalesce(excluded.role, contacts.role), time_zone = coalesce(excluded.time_zone, contacts.time_zone),
            public_key = coalesce(excluded.public_key, contacts.public_key),
            key_fingerprint = CASE WHEN excluded.public_key IS NULL THEN contacts.key_fingerprint ELSE excluded.key_fingerprint END,
            key_expires_at = CASE WHEN excluded.public_key IS NULL THEN contacts.key_expires_at ELSE excluded.key_expires_at END,
            encryption_subkey = CASE WHEN excluded.public_key IS NULL THEN contacts.encryption_subkey ELSE excluded.encryption_subkey END,
            updated_at = excluded.updated_at
        """;

    // Another address (not just another letter case) moves link_generation on: the old address's links stop working.
    private const string UpdateContactSql = """
        UPDATE contacts SET name = @Name, email = @Email, role = @Role, time_zone = @TimeZone, public_key = @PublicKey,
            key_fingerprint = @KeyFingerprint, key_expires_at = @KeyExpiresAt, encryption_subkey = @EncryptionSubkey, updated_at = @Now,
            link_generation = link_generation + CASE WHEN lower(email) = lower(@Email) THEN 0 ELSE 1 END
        WHERE id = @Id
        """;

    private const string DeleteContactSql = "DELETE FROM contacts WHERE id = @Id";

    private const string ContactsSql = """
        SELECT id, project_id, name, email, role, time_zone, key_fingerprint, key_expires_at, encryption_subkey FROM contacts
        WHERE (@Id::uuid IS NULL OR id = @Id) AND (@ProjectId::uuid IS NULL OR project_id = @ProjectId)
        ORDER BY project_id, lower(email)
        """;

    private const string ExportSql = """
        SELECT c.project_id, c.name, c.email, c.role, c.time_zone, c.public_key FROM contacts c ORDER BY c.project_id, lower(c.email)
        """;

    private const string StoredKeysSql = """
        SELECT lower(p.name), lower(c.email), c.public_key FROM contacts c JOIN projects p ON p.id = c.project_id
        WHERE c.public_key IS NOT NULL AND lower(p.name) = ANY(@Names)
        """;

    /// <summary>The keys stored for contacts of the projects named, by (lower-case project name, lower-case address),
    /// each as <see cref="SameKeyText"/> compares it.</summary>
    public static async Task<HashSet<(string Project, string Email, string Key)>> StoredKeysAsync(NpgsqlConnection conn, IEnumerable<string> projectNames) =>
        (await conn.QueryAsync<(string, string, string)>(StoredKeysSql, new { Names = projectNames.Select(n => n.ToLowerInvariant()).Distinct().ToArray() }))
        .Select(k => (k.Item1, k.Item2, SameKeyText(k.Item3))).ToHashSet();

    public static Task<bool> ContactHasKeyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid projectId, string email) =>
        conn.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT FROM contacts WHERE project_id = @ProjectId AND lower(email) = lower(@Email) AND public_key IS NOT NULL)",
            new { ProjectId = projectId, Email = email }, tx);

    /// <summary>An armored key as compared with a stored one: trimmed (as stored), line ends as \n (a CSV cell may have \r\n).</summary>
    public static string SameKeyText(string armored) => armored.Trim().ReplaceLineEndings("\n");

    public static async Task InsertProjectAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, ValidProject p, DateTimeOffset now)
    {
        await conn.ExecuteAsync(InsertProjectSql, new { Id = id, p.Name, p.Ecosystem, p.Homepage, p.Channels, Now = now }, tx);
        await InsertPackagesAsync(conn, tx, id, p);
    }

    public static async Task<bool> UpdateProjectAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, ValidProject p, DateTimeOffset now)
    {
        if (await conn.ExecuteAsync(UpdateProjectSql, new { Id = id, p.Name, p.Ecosystem, p.Homepage, p.Channels, Now = now }, tx) == 0) return false;
        await conn.ExecuteAsync(DeletePackagesSql, new { Id = id }, tx);
        await InsertPackagesAsync(conn, tx, id, p);
        return true;
    }

    /// <summary>Which project fields an import row gives.</summary>
    public readonly record struct GivenFields(bool Ecosystem, bool Homepage, bool Packages, bool Channels);

    /// <summary>An existing project named in an import: the fields the row gives replace the project's, the others stay.</summary>
    public static async Task MergeImportedProjectAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, ValidProject p, GivenFields given, DateTimeOffset now)
    {
        await conn.ExecuteAsync(MergeProjectSql, new
        {
            Id = id, p.Name, p.Ecosystem, p.Homepage, p.Channels, Now = now,
            SetEcosystem = given.Ecosystem, SetHomepage = given.Homepage, SetChannels = given.Channels,
        }, tx);
        if (!given.Packages) return;
        await conn.ExecuteAsync(DeletePackagesSql, new { Id = id }, tx);
        await InsertPackagesAsync(conn, tx, id, p);
    }

    private static Task InsertPackagesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, ValidProject p) =>
        p.Packages.Count == 0 ? Task.CompletedTask : conn.ExecuteAsync(InsertPackageSql,
            p.Packages.Select(x => new { ProjectId = id, x.Package.Purl, x.Key, x.Package.Relation }), tx);

    public static async Task<bool> DeleteProjectAsync(NpgsqlConnection conn, Guid id) =>
        await conn.ExecuteAsync(DeleteProjectSql, new { Id = id }) > 0;

    /// <summary>One import at a time: two that name the same projects in other orders would each lock one and wait for
    /// the other's, and PostgreSQL would end one's statement as a deadlock, refusing a good row. Held to the commit.</summary>
    public static Task LockImportsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext('downstream-notifier registry import'))", transaction: tx, cancellationToken: ct));

    /// <summary>The project of that name, locked against its deletion until <paramref name="tx"/> ends.</summary>
    public static Task<Guid?> ProjectIdByNameForImportAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string name) =>
        conn.QuerySingleOrDefaultAsync<Guid?>(ProjectByNameForImportSql, new { Name = name }, tx);

    /// <summary>Which of <paramref name="ids"/> name a registered project.</summary>
    public static async Task<HashSet<Guid>> ExistingProjectIdsAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IEnumerable<Guid> ids) =>
        (await conn.QueryAsync<Guid>("SELECT id FROM projects WHERE id = ANY(@Ids)", new { Ids = ids.Distinct().ToArray() }, tx)).ToHashSet();

    public static async Task<List<ProjectResponse>> ProjectsAsync(NpgsqlConnection conn, Guid? id = null, NpgsqlTransaction? tx = null)
    {
        var projects = (await conn.QueryAsync<ProjectRow>(ProjectsSql, new { Id = id }, tx)).ToList();
        var packages = (await conn.QueryAsync<PackageRow>(PackagesSql, new { Id = id }, tx))
            .GroupBy(p => p.ProjectId).ToDictionary(g => g.Key, g => g.Select(p => new ProjectPackage(p.Purl, p.Relation)).ToList());
        return projects.Select(p => new ProjectResponse(p.Id, p.Name, p.Ecosystem, p.Homepage,
            packages.GetValueOrDefault(p.Id) ?? [], p.Channels)).ToList();
    }

    public static async Task InsertContactAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, Guid projectId, ValidContact c, DateTimeOffset now, bool upsert = false) =>
        await conn.ExecuteAsync(upsert ? UpsertContactSql : InsertContactSql, new
        {
            Id = id, ProjectId = projectId, c.Name, c.Email, c.Role, c.TimeZone, c.PublicKey, c.KeyFingerprint, c.KeyExpiresAt, c.EncryptionSubkey, Now = now,
        }, tx);

    public static async Task<bool> UpdateContactAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, ValidContact c, DateTimeOffset now) =>
        await conn.ExecuteAsync(UpdateContactSql, new
        {
            Id = id, c.Name, c.Email, c.Role, c.TimeZone, c.PublicKey, c.KeyFingerprint, c.KeyExpiresAt, c.EncryptionSubkey, Now = now,
        }, tx) > 0;

    public static async Task<bool> DeleteContactAsync(NpgsqlConnection conn, Guid id) =>
        await conn.ExecuteAsync(DeleteContactSql, new { Id = id }) > 0;

    public static async Task<List<ContactResponse>> ContactsAsync(NpgsqlConnection conn, Guid? id = null, Guid? projectId = null, NpgsqlTransaction? tx = null) =>
        (await conn.QueryAsync<ContactRow>(ContactsSql, new { Id = id, ProjectId = projectId }, tx))
        .Select(c => new ContactResponse(c.Id, c.ProjectId, c.Name, c.Email, c.Role, c.TimeZone,
            c.KeyFingerprint is null ? null : new ContactKeyResponse(c.KeyFingerprint, c.KeyExpiresAt, c.EncryptionSubkey)))
        .ToList();

    public static async Task<List<ExportContactRow>> ExportContactsAsync(NpgsqlConnection conn, NpgsqlTransaction? tx = null) =>
        (await conn.QueryAsync<ExportContactRow>(ExportSql, transaction: tx)).ToList();

    private sealed class ProjectRow { public Guid Id { get; init; } public string Name { get; init; } = null!; public string? Ecosystem { get; init; } public string? Homepage { get; init; } public string[] Channels { get; init; } = null!; }

    private sealed class PackageRow { public Guid ProjectId { get; init; } public string Purl { get; init; } = null!; public string Relation { get; init; } = null!; }

    private sealed class ContactRow { public Guid Id { get; init; } public Guid ProjectId { get; init; } public string Name { get; init; } = null!; public string Email { get; init; } = null!; public string? Role { get; init; } public string? TimeZone { get; init; } public string? KeyFingerprint { get; init; } public DateTimeOffset? KeyExpiresAt { get; init; } public string? EncryptionSubkey { get; init; } }
}
