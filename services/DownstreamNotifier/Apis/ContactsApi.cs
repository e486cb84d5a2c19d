using Coordination.Hosting.Auth;
using DownstreamNotifier.Data;
using DownstreamNotifier.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace DownstreamNotifier.Apis;

/// <summary>/contacts: every contact, and one contact by id.</summary>
public static class ContactsApi
{
    public static IEndpointRouteBuilder MapContactsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/contacts").RequireAuthorization(Policies.Member).WithTags("Contacts");
        group.MapGet("/", ListContacts);
        group.MapGet("/{id:guid}", GetContact);
        group.MapPut("/{id:guid}", UpdateContact);
        group.MapDelete("/{id:guid}", DeleteContact);
        return app;
    }

    public static async Task<Ok<List<ContactResponse>>> ListContacts(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return TypedResults.Ok(await RegistryStore.ContactsAsync(conn));
    }

    public static async Task<Results<Ok<ContactResponse>, NotFound>> GetContact(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await RegistryStore.ContactsAsync(conn, id)).FirstOrDefault() is { } c ? TypedResults.Ok(c) : TypedResults.NotFound();
    }

    public static async Task<Results<Ok<ContactResponse>, ValidationProblem, NotFound>> UpdateContact(
        Guid id, ContactRequest request, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (RegistryValidation.Contact(request, time.GetUtcNow(), errors) is not { } contact) return TypedResults.ValidationProblem(errors);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        try
        {
            if (!await RegistryStore.UpdateContactAsync(conn, tx, id, contact, time.GetUtcNow())) return TypedResults.NotFound();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["email"] = ["this project already has a contact with this address"] });
        }
        var updated = (await RegistryStore.ContactsAsync(conn, id, tx: tx))[0];
        await tx.CommitAsync(ct);
        return TypedResults.Ok(updated);
    }

    public static async Task<Results<NoContent, NotFound>> DeleteContact(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await RegistryStore.DeleteContactAsync(conn, id) ? TypedResults.NoContent() : TypedResults.NotFound();
    }
}
