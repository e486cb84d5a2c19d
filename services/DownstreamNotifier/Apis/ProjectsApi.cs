using Coordination.Hosting.Auth;
using DownstreamNotifier.Data;
using DownstreamNotifier.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace DownstreamNotifier.Apis;

/// <summary>/projects: downstream projects, their packages and channels, and their contacts.</summary>
public static class ProjectsApi
{
    public static IEndpointRouteBuilder MapProjectsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/projects").RequireAuthorization(Policies.Member).WithTags("Projects");
        group.MapPost("/", CreateProject);
        group.MapGet("/", ListProjects);
        group.MapGet("/{id:guid}", GetProject);
        group.MapPut("/{id:guid}", UpdateProject);
        group.MapDelete("/{id:guid}", DeleteProject);
        group.MapPost("/{id:guid}/contacts", CreateContact);
        group.MapGet("/{id:guid}/contacts", ListProjectContacts);
        return app;
    }

    public static async Task<Results<Created<ProjectResponse>, ValidationProblem>> CreateProject(
        ProjectRequest request, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (RegistryValidation.Project(request, errors) is not { } project) return TypedResults.ValidationProblem(errors);
        var id = Guid.NewGuid();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        try
        {
            await RegistryStore.InsertProjectAsync(conn, tx, id, project, time.GetUtcNow());
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["a project with this name exists"] });
        }
        var created = (await RegistryStore.ProjectsAsync(conn, id, tx))[0];
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/projects/{id}", created);
    }

    public static async Task<Ok<List<ProjectResponse>>> ListProjects(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return TypedResults.Ok(await RegistryStore.ProjectsAsync(conn));
    }

    public static async Task<Results<Ok<ProjectResponse>, NotFound>> GetProject(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await RegistryStore.ProjectsAsync(conn, id)).FirstOrDefault() is { } p ? TypedResults.Ok(p) : TypedResults.NotFound();
    }

    public static async Task<Results<Ok<ProjectResponse>, ValidationProblem, NotFound>> UpdateProject(
        Guid id, ProjectRequest request, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (RegistryValidation.Project(request, errors) is not { } project) return TypedResults.ValidationProblem(errors);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        try
        {
            if (!await RegistryStore.UpdateProjectAsync(conn, tx, id, project, time.GetUtcNow())) return TypedResults.NotFound();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["a project with this name exists"] });
        }
        var updated = (await RegistryStore.ProjectsAsync(conn, id, tx))[0];
        await tx.CommitAsync(ct);
        return TypedResults.Ok(updated);
    }

    public static async Task<Results<NoContent, NotFound>> DeleteProject(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await RegistryStore.DeleteProjectAsync(conn, id) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    public static async Task<Results<Created<ContactResponse>, ValidationProblem, NotFound>> CreateContact(
        Guid id, ContactRequest request, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (RegistryValidation.Contact(request, time.GetUtcNow(), errors) is not { } contact) return TypedResults.ValidationProblem(errors);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if ((await RegistryStore.ProjectsAsync(conn, id, tx)).Count == 0) return TypedResults.NotFound();
        var contactId = Guid.NewGuid();
        try
        {
            await RegistryStore.InsertContactAsync(conn, tx, contactId, id, contact, time.GetUtcNow());
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["email"] = ["this project already has a contact with this address"] });
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return TypedResults.NotFound(); // the project was deleted after the check above
        }
        var created = (await RegistryStore.ContactsAsync(conn, contactId, tx: tx))[0];
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/contacts/{contactId}", created);
    }

    public static async Task<Results<Ok<List<ContactResponse>>, NotFound>> ListProjectContacts(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        if ((await RegistryStore.ProjectsAsync(conn, id)).Count == 0) return TypedResults.NotFound();
        return TypedResults.Ok(await RegistryStore.ContactsAsync(conn, projectId: id));
    }
}
