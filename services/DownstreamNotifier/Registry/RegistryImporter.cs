using Coordination.Hosting.Validation;
using DownstreamNotifier.Data;
using DownstreamNotifier.Packages;
using Npgsql;

namespace DownstreamNotifier.Registry;

/// <summary>
/// Bulk import: every row is validated first (keys checked in parallel), then written in one transaction with a
/// savepoint per row, so a bad row is reported and skipped while the others land whole. Projects are matched by
/// name: the first row naming a project in an import sets its fields (a later row giving one of them otherwise is
/// rejected, rather than its value silently dropped); contacts are matched by (project, email). A
/// contact given the key stored for it already keeps that key unchecked: an export re-imported after one of its keys
/// expired lands whole (the key is still flagged, and notices to the contact go link-only, as before the import).
/// </summary>
public static class RegistryImporter
{
    /// <param name="rowProblems">rows (by index) refused before they were read: a CSV line with more cells than columns.</param>
    public static async Task<ImportReport> ImportAsync(NpgsqlConnection conn, IReadOnlyList<ImportProject?> rows, DateTimeOffset now, CancellationToken ct,
        IReadOnlyDictionary<int, string>? rowProblems = null)
    {
        var checkedRows = new (ValidProject? Project, List<ValidContact> Contacts, Dictionary<string, string[]> Errors)[rows.Count];
        // Not a name with NUL, which PostgreSQL refuses in text: that row's check rejects it.
        var storedKeys = await RegistryStore.StoredKeysAsync(conn, rows.Select(r => r?.Name?.Trim()).OfType<string>().Where(n => !NoNul.Violated(n)));
        Parallel.For(0, rows.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct }, i =>
        {
            // A row whose check throws is that row's rejection: out of Parallel.For it would end the whole import.
            try
            {
                checkedRows[i] = rowProblems?.GetValueOrDefault(i) is { } problem ? (null, [], new() { ["row"] = [problem] }) : Check(rows[i], now, storedKeys);
            }
            catch (Exception e)
            {
                checkedRows[i] = (null, [], new() { ["row"] = [$"could not be checked ({e.GetType().Name})"] });
            }
        });

        var results = new List<ImportRowResult>(rows.Count);
        var seen = new Dictionary<string, Guid>(StringComparer.OrdinalIgnoreCase);
        var firstRows = new Dictionary<string, (int Row, ValidProject Project)>(StringComparer.OrdinalIgnoreCase);
        var contactRows = new Dictionary<(string Project, string Email), int>();
        await using var tx = await conn.BeginTransactionAsync(ct);
        await RegistryStore.LockImportsAsync(conn, tx, ct);
        for (var i = 0; i < rows.Count; i++)
        {
            var (project, contacts, errors) = checkedRows[i];
            if (errors.Count > 0 || project is null)
            {
                results.Add(new ImportRowResult(i + 1, "rejected", null, 0, errors));
                continue;
            }
            if (firstRows.TryGetValue(project.Name, out var first)
                && Differences(first.Row, first.Project, rows[first.Row - 1]!, project, rows[i]!) is { Count: > 0 } differences)
            {
                results.Add(new ImportRowResult(i + 1, "rejected", null, 0, differences));
                continue;
            }
            if (Repeated(contactRows, project, contacts) is { Count: > 0 } repeated)
            {
                results.Add(new ImportRowResult(i + 1, "rejected", null, 0, repeated));
                continue;
            }
            for (var attempt = 1; ; attempt++)
            {
                await tx.SaveAsync("import_row", ct);
                try
                {
                    var projectId = await WriteRowAsync(conn, tx, seen, project, contacts, rows[i]!, now);
                    await tx.ReleaseAsync("import_row", ct);
                    seen[project.Name] = projectId;
                    firstRows.TryAdd(project.Name, (i + 1, project));
                    foreach (var contact in contacts) contactRows[(project.Name.ToLowerInvariant(), contact.Email.ToLowerInvariant())] = i + 1;
                    results.Add(new ImportRowResult(i + 1, "imported", projectId, contacts.Count, null));
                    break;
                }
                // Another import (or POST /projects) created the project after this row looked it up, and committed
                // while this insert waited on it: the row goes again once, now finding the project and merging into it.
                catch (PostgresException e) when (attempt == 1 && e is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "projects_name_key" })
                {
                    await tx.RollbackAsync("import_row", ct);
                }
                catch (PostgresException e)
                {
                    await tx.RollbackAsync("import_row", ct);
                    results.Add(new ImportRowResult(i + 1, "rejected", null, 0, new Dictionary<string, string[]> { ["row"] = [$"database refused it ({e.SqlState})"] }));
                    break;
                }
                catch (StoredKeyGoneException e)
                {
                    await tx.RollbackAsync("import_row", ct);
                    results.Add(new ImportRowResult(i + 1, "rejected", null, 0, new Dictionary<string, string[]> { [$"contacts[{e.Contact}].publicKey"] =
                        ["the contact's stored key, which this row gives unchanged, was removed (or the contact deleted) during the import; import the row again"] }));
                    break;
                }
            }
        }
        await tx.CommitAsync(ct);
        var imported = results.Count(r => r.Status == "imported");
        return new ImportReport(rows.Count, imported, rows.Count - imported, results);
    }

    private static async Task<Guid> WriteRowAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Dictionary<string, Guid> seen,
        ValidProject project, List<ValidContact> contacts, ImportProject row, DateTimeOffset now)
    {
        if (!seen.TryGetValue(project.Name, out var projectId))
        {
            var existing = await RegistryStore.ProjectIdByNameForImportAsync(conn, tx, project.Name);
            projectId = existing ?? Guid.NewGuid();
            if (existing is null) await RegistryStore.InsertProjectAsync(conn, tx, projectId, project, now);
            else await RegistryStore.MergeImportedProjectAsync(conn, tx, projectId, project, Given(row), now);
        }
        for (var c = 0; c < contacts.Count; c++)
        {
            await RegistryStore.InsertContactAsync(conn, tx, Guid.NewGuid(), projectId, contacts[c], now, upsert: true);
            // Its key was left out as the one stored (checked before the transaction): the upsert kept no key if the
            // contact or its key went meanwhile, and the contact would get plain mail.
            if (contacts[c].KeepsStoredKey && !await RegistryStore.ContactHasKeyAsync(conn, tx, projectId, contacts[c].Email))
                throw new StoredKeyGoneException(c);
        }
        return projectId;
    }

    private sealed class StoredKeyGoneException(int contact) : Exception
    {
        public int Contact { get; } = contact;
    }

    /// <summary>The project fields a later row naming the project gives (empty or not) that the first row did not give
    /// the same: the first row's stand, so the later value would be dropped without a word.</summary>
    private static Dictionary<string, string[]> Differences(int firstRow, ValidProject first, ImportProject firstGiven, ValidProject later, ImportProject row)
    {
        var differences = new Dictionary<string, string[]>();
        void Check(string field, bool laterGives, bool firstGives, bool same)
        {
            if (!laterGives || (firstGives && same)) return;
            differences[field] = [firstGives
                ? $"differs from row {firstRow}, the first naming this project in the import, whose value stands: give the project's fields on one row, or the same on each"
                : $"is not given by row {firstRow}, the first naming this project in the import, whose fields stand: give the project's fields on that row"];
        }
        Check("ecosystem", row.Ecosystem is not null, firstGiven.Ecosystem is not null, later.Ecosystem == first.Ecosystem);
        Check("homepage", row.Homepage is not null, firstGiven.Homepage is not null, later.Homepage == first.Homepage);
        Check("packages", row.Packages is not null, firstGiven.Packages is not null,
            later.Packages.Select(p => (p.Key, p.Package.Relation)).ToHashSet().SetEquals(first.Packages.Select(p => (p.Key, p.Package.Relation))));
        Check("channels", row.Channels is not null, firstGiven.Channels is not null, later.Channels.ToHashSet().SetEquals(first.Channels));
        return differences;
    }

    /// <summary>The contacts of the row an earlier row of the import gave for the same project: the later one would
    /// overwrite it, keeping whichever fields it leaves empty, a contact neither row describes.</summary>
    private static Dictionary<string, string[]> Repeated(Dictionary<(string Project, string Email), int> contactRows, ValidProject project, List<ValidContact> contacts)
    {
        var repeated = new Dictionary<string, string[]>();
        for (var c = 0; c < contacts.Count; c++)
            if (contactRows.TryGetValue((project.Name.ToLowerInvariant(), contacts[c].Email.ToLowerInvariant()), out var earlier))
                repeated[$"contacts[{c}].email"] = [$"is the address of a contact row {earlier} imported for this project: give each contact once per import"];
        return repeated;
    }

    /// <summary>The project fields an import row gives; an existing project keeps the others (a row that only adds a
    /// contact must not strip the project's packages, nor the channels that require encryption for its contacts).</summary>
    private static RegistryStore.GivenFields Given(ImportProject row) =>
        new(row.Ecosystem is not null, row.Homepage is not null, row.Packages is not null, row.Channels is not null);

    private static (ValidProject? Project, List<ValidContact> Contacts, Dictionary<string, string[]> Errors) Check(ImportProject? row, DateTimeOffset now,
        HashSet<(string Project, string Email, string Key)> storedKeys)
    {
        if (row is null) return (null, [], new() { ["row"] = ["is empty"] });
        var errors = new Dictionary<string, string[]>();
        var project = RegistryValidation.Project(new ProjectRequest(row.Name, row.Ecosystem, row.Homepage, row.Packages, row.Channels), errors);
        var contacts = new List<ValidContact>();
        var list = row.Contacts ?? [];
        // Compared as the unique index on (project_id, lower(email)) does: the second of one address would overwrite the first.
        var emails = new Dictionary<string, int>();
        for (var c = 0; c < list.Count; c++)
        {
            if (list[c] is null) { errors[$"contacts[{c}]"] = ["is empty"]; continue; }
            var request = list[c]!;
            // Given no key, the upsert keeps the stored one (RegistryStore.UpsertContactSql).
            var keepsStoredKey = request is { PublicKey: { } key, Email: { } address } && !string.IsNullOrWhiteSpace(key)
                && storedKeys.Contains(((row.Name ?? "").Trim().ToLowerInvariant(), address.Trim().ToLowerInvariant(), RegistryStore.SameKeyText(key)));
            if (keepsStoredKey) request = request with { PublicKey = null };
            if (RegistryValidation.Contact(request, now, errors, $"contacts[{c}].") is not { } contact) continue;
            if (keepsStoredKey) contact = contact with { KeepsStoredKey = true };
            var email = contact.Email.ToLowerInvariant();
            if (emails.TryAdd(email, c)) contacts.Add(contact);
            else errors[$"contacts[{c}].email"] = [$"duplicates contacts[{emails[email]}]"];
        }
        return (project, contacts, errors);
    }

    /// <summary>A CSV line as an import row: a project with (unless the contact columns are all empty) one contact.</summary>
    public static ImportProject FromCsv(CsvContactRow r)
    {
        // A column the CSV does not have, or an empty cell, is null, as an absent JSON property: an existing project keeps
        // that field (a line that only adds a contact must not strip the project's packages or channels).
        var packages = Given(r.Packages)?.Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.StartsWith("ships:", StringComparison.OrdinalIgnoreCase)
                ? new ProjectPackage(p[6..], PackageRelation.Ships)
                : new ProjectPackage(p.StartsWith("depends:", StringComparison.OrdinalIgnoreCase) ? p[8..] : p))
            .ToList();
        var channels = Given(r.Channels)?.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries).ToList();
        // A cell of separators only (a value deleted in a spreadsheet) gives nothing either.
        if (packages is { Count: 0 }) packages = null;
        if (channels is { Count: 0 }) channels = null;
        var hasContact = new[] { r.Email, r.Name, r.PublicKey, r.Role, r.TimeZone }.Any(cell => !string.IsNullOrWhiteSpace(cell));
        return new ImportProject(r.Project, Given(r.Ecosystem), Given(r.Homepage), packages, channels,
            hasContact ? [new ContactRequest(r.Name, r.Email, r.Role, r.PublicKey, r.TimeZone)] : []);
    }

    private static string? Given(string? cell) => string.IsNullOrWhiteSpace(cell) ? null : cell;
}
