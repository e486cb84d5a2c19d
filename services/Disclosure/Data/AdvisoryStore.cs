using Dapper;
using Npgsql;

namespace Disclosure.Data;

/// <summary>Public advisories and their versions.</summary>
public static class AdvisoryStore
{
    private const string Columns = """
        case_id, advisory_id, cve_id, title, ecosystems, packages, published_at, modified_at, withdrawn_at,
        current_version, current_revision
        """;

    private const string ByCaseSql = $"SELECT {Columns} FROM advisories WHERE case_id = @CaseId";

    private const string ByIdSql = $"SELECT {Columns} FROM advisories WHERE advisory_id = @AdvisoryId";

    // CsafRenderer.FileName in SQL (the ids are ASCII).
    private const string ByCsafFileNameSql = $"""
        SELECT {Columns} FROM advisories
        WHERE regexp_replace(lower(advisory_id), '[^+a-z0-9-]+', '_', 'g') || '.json' = @FileName
        ORDER BY advisory_id LIMIT 1
        """;

    private const string NextNumberSql = """
        INSERT INTO advisory_id_sequences (year, last_number) VALUES (@Year, 1)
        ON CONFLICT (year) DO UPDATE SET last_number = advisory_id_sequences.last_number + 1
        RETURNING last_number
        """;

    private const string UpsertSql = """
        INSERT INTO advisories (case_id, advisory_id, cve_id, title, ecosystems, packages, published_at, modified_at,
                                withdrawn_at, current_version, current_revision)
        VALUES (@CaseId, @AdvisoryId, @CveId, @Title, @Ecosystems, @Packages, @PublishedAt, @ModifiedAt,
                @WithdrawnAt, @CurrentVersion, @CurrentRevision)
        ON CONFLICT (case_id) DO UPDATE SET
            cve_id = excluded.cve_id, title = excluded.title, ecosystems = excluded.ecosystems, packages = excluded.packages,
            modified_at = excluded.modified_at, withdrawn_at = excluded.withdrawn_at,
            current_version = excluded.current_version, current_revision = excluded.current_revision
        """;

    private const string InsertVersionSql = """
        INSERT INTO advisory_versions (case_id, version, revision, kind, published_at, summary, osv, cve, csaf)
        VALUES (@CaseId, @Version, @Revision, @Kind, @PublishedAt, @Summary, @Osv, @Cve, @Csaf)
        """;

    private const string VersionsSql = """
        SELECT version, revision, kind, published_at, summary, '' AS osv, NULL AS cve, '' AS csaf
        FROM advisory_versions WHERE case_id = @CaseId ORDER BY version
        """;

    private const string RevisionPublishedSql = """
        SELECT EXISTS (SELECT 1 FROM advisory_versions WHERE case_id = @CaseId AND revision = @Revision AND kind = 'publish')
        """;

    private const string CurrentVersionSql = """
        SELECT v.version, v.revision, v.kind, v.published_at, v.summary, v.osv, v.cve, v.csaf
        FROM advisories a JOIN advisory_versions v ON v.case_id = a.case_id AND v.version = a.current_version
        WHERE a.advisory_id = @AdvisoryId
        """;

    private const string PageSql = $"""
        SELECT {Columns} FROM advisories
        WHERE (@Ecosystem::text IS NULL OR @Ecosystem = ANY (ecosystems))
          AND (@Package::text IS NULL OR @Package = ANY (packages))
        ORDER BY published_at DESC, advisory_id DESC
        LIMIT @Limit OFFSET @Offset
        """;

    private const string CountSql = """
        SELECT count(*) FROM advisories
        WHERE (@Ecosystem::text IS NULL OR @Ecosystem = ANY (ecosystems))
          AND (@Package::text IS NULL OR @Package = ANY (packages))
        """;

    private const string NewestSql = $"SELECT {Columns} FROM advisories ORDER BY modified_at DESC, advisory_id DESC LIMIT @Limit";

    public static Task<AdvisoryRow?> GetByCaseAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid caseId) =>
        conn.QuerySingleOrDefaultAsync<AdvisoryRow>(ByCaseSql, new { CaseId = caseId }, tx);

    public static Task<AdvisoryRow?> GetByIdAsync(NpgsqlConnection conn, string advisoryId) =>
        conn.QuerySingleOrDefaultAsync<AdvisoryRow>(ByIdSql, new { AdvisoryId = advisoryId });

    /// <summary>The advisory whose CSAF document has this file name (CSAF 2.0 section 5.1), e.g. x_coord-2026-7.json.</summary>
    public static Task<AdvisoryRow?> GetByCsafFileNameAsync(NpgsqlConnection conn, string fileName) =>
        conn.QueryFirstOrDefaultAsync<AdvisoryRow>(ByCsafFileNameSql, new { FileName = fileName });

    public static Task<int> NextNumberAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int year) =>
        conn.QuerySingleAsync<int>(NextNumberSql, new { Year = year }, tx);

    public static Task UpsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, AdvisoryRow row) =>
        conn.ExecuteAsync(UpsertSql, row, tx);

    public static Task InsertVersionAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, AdvisoryVersionRow v) =>
        conn.ExecuteAsync(InsertVersionSql, new
        {
            CaseId = caseId, v.Version, v.Revision, v.Kind, v.PublishedAt, v.Summary, v.Osv, v.Cve, v.Csaf,
        }, tx);

    /// <summary>Every version's number, date and summary (records left out).</summary>
    public static async Task<IReadOnlyList<AdvisoryVersionRow>> GetHistoryAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId) =>
        (await conn.QueryAsync<AdvisoryVersionRow>(VersionsSql, new { CaseId = caseId }, tx)).ToList();

    public static Task<bool> IsRevisionPublishedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, int revision) =>
        conn.QuerySingleAsync<bool>(RevisionPublishedSql, new { CaseId = caseId, Revision = revision }, tx);

    public static Task<AdvisoryVersionRow?> GetCurrentVersionAsync(NpgsqlConnection conn, string advisoryId) =>
        conn.QuerySingleOrDefaultAsync<AdvisoryVersionRow>(CurrentVersionSql, new { AdvisoryId = advisoryId });

    public static async Task<(IReadOnlyList<AdvisoryRow> Items, long Total)> GetPageAsync(
        NpgsqlConnection conn, string? ecosystem, string? package, int page, int pageSize)
    {
        var args = new { Ecosystem = ecosystem, Package = package, Limit = pageSize, Offset = (page - 1) * pageSize };
        var items = (await conn.QueryAsync<AdvisoryRow>(PageSql, args)).ToList();
        var total = await conn.QuerySingleAsync<long>(CountSql, args);
        return (items, total);
    }

    public static async Task<IReadOnlyList<AdvisoryRow>> GetNewestAsync(NpgsqlConnection conn, int limit) =>
        (await conn.QueryAsync<AdvisoryRow>(NewestSql, new { Limit = limit })).ToList();
}
