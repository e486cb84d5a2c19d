using System.CommandLine;
using System.Text.Json.Nodes;
using Coord.Cli;
using Coord.Http;
using Coord.Output;
using Spectre.Console;

namespace Coord.Commands;

/// <summary>coord projects add|import|list and coord contacts add|import|list (downstream-notifier's registry).</summary>
public static class RegistryCommands
{
    public static Command Projects(CliEnvironment env)
    {
        var projects = new Command("projects", "Downstream projects and the packages they ship or depend on");

        var name = new Option<string>("--name") { Description = "Project name", Required = true };
        var ecosystem = new Option<string?>("--ecosystem") { Description = "e.g. Debian, PyPI" };
        var homepage = new Option<string?>("--homepage") { Description = "Homepage URL" };
        var depends = new Option<string[]>("--depends") { Description = "purl of a package the project depends on (repeatable)", AllowMultipleArgumentsPerToken = true };
        var ships = new Option<string[]>("--ships") { Description = "purl of a package the project ships (repeatable)", AllowMultipleArgumentsPerToken = true };
        var channels = new Option<string[]>("--channel") { Description = "Channel(s) the project belongs to, e.g. distros", AllowMultipleArgumentsPerToken = true };
        var add = new Command("add", "Register a project") { name, ecosystem, homepage, depends, ships, channels };
        add.Does(env, async (ctx, ct) =>
        {
            var packages = (ctx.Value(depends) ?? []).Select(p => new { purl = p, relation = "depends" })
                .Concat((ctx.Value(ships) ?? []).Select(p => new { purl = p, relation = "ships" })).ToArray();
            var response = await ctx.Api.Notifier.PostAsync("/projects", new
            {
                name = ctx.Value(name), ecosystem = ctx.Value(ecosystem), homepage = ctx.Value(homepage), packages, channels = ctx.Value(channels) ?? [],
            }, ct);
            ctx.Show(response, j => ctx.Plain($"Project {j.S("name")} registered: {j.S("id")}"));
        });
        projects.Subcommands.Add(add);
        projects.Subcommands.Add(Import(env, "Import projects with their contacts (JSON array, or CSV one contact a line) with a per-row report"));

        var list = new Command("list", "List projects");
        list.Does(env, async (ctx, ct) =>
        {
            var response = await ctx.Api.Notifier.GetAsync("/projects", ct);
            ctx.Show(response, j => ctx.Console.Write(Tables.Of(j, ("id", p => p.S("id")), ("name", p => p.S("name")), ("ecosystem", p => p.S("ecosystem")),
                ("packages", p => string.Join(" ", (p["packages"] as JsonArray ?? []).Select(x => (x.S("relation") == "ships" ? "ships:" : "") + x.S("purl")))),
                ("channels", p => p.List("channels")))));
        });
        projects.Subcommands.Add(list);
        return projects;
    }

    public static Command Contacts(CliEnvironment env)
    {
        var contacts = new Command("contacts", "Contacts of downstream projects, with optional OpenPGP keys");

        var project = new Option<Guid>("--project") { Description = "Project id", Required = true };
        var name = new Option<string>("--name") { Description = "Contact name", Required = true };
        var email = new Option<string>("--email") { Description = "Email address", Required = true };
        var role = new Option<string?>("--role") { Description = "Role, e.g. security team" };
        var key = new Option<FileInfo?>("--key") { Description = "ASCII-armored OpenPGP public key file (checked by the service)" };
        var timeZone = new Option<string?>("--time-zone") { Description = "IANA zone or offset, for the disclosure time in the notice" };
        var add = new Command("add", "Add a contact to a project") { project, name, email, role, key, timeZone };
        add.Does(env, async (ctx, ct) =>
        {
            var publicKey = ctx.Value(key) is { } k ? await InputFiles.ReadAsync(k, "--key", ct) : null;
            var response = await ctx.Api.Notifier.PostAsync($"/projects/{ctx.Value(project)}/contacts", new
            {
                name = ctx.Value(name), email = ctx.Value(email), role = ctx.Value(role), publicKey, timeZone = ctx.Value(timeZone),
            }, ct);
            ctx.Show(response, j => ctx.Plain($"Contact {j.S("email")} added: {j.S("id")}" +
                (j?["key"] is { } kk ? $" (key {kk.S("fingerprint")}, expires {(kk.S("expiresAt") is { Length: > 0 } x ? x : "never")})" : " (no key)")));
        });
        contacts.Subcommands.Add(add);
        contacts.Subcommands.Add(Import(env, "Import contacts (CSV: project,email,name,role,public_key,... or the JSON project array) with a per-row report"));

        var list = new Command("list", "List contacts");
        list.Does(env, async (ctx, ct) =>
        {
            var response = await ctx.Api.Notifier.GetAsync("/contacts", ct);
            ctx.Show(response, j => ctx.Console.Write(Tables.Of(j, ("id", c => c.S("id")), ("project", c => c.S("projectId")), ("name", c => c.S("name")),
                ("email", c => c.S("email")), ("key", c => c?["key"] is { } k ? k.S("fingerprint") : "—"))));
        });
        contacts.Subcommands.Add(list);
        return contacts;
    }

    // One request for the whole file (the notifier checks every key in it: about 55 ms each for RSA-3072 on 2 cores);
    // the notifier undoes the import if coord gives up.
    private static readonly TimeSpan ImportTimeout = TimeSpan.FromMinutes(30);

    private static Command Import(CliEnvironment env, string description)
    {
        var file = new Argument<FileInfo>("file") { Description = "A .json or .csv file" };
        var charset = new Option<string?>("--charset") { Description = "The CSV file's charset when it is not UTF-8 (e.g. windows-1252, as spreadsheets save CSV on Windows)" };
        var import = new Command("import", description) { file, charset };
        return import.Does(env, async (ctx, ct) =>
        {
            var f = ctx.Value(file);
            ApiResponse response;
            if (f.Extension.Equals(".csv", StringComparison.OrdinalIgnoreCase))
            {
                // The bytes as they are, with the charset they are in: the notifier reads them in it and refuses bytes
                // that are not (decoded here as UTF-8, "Jürgen" in Windows-1252 would become "J\uFFFDrgen" unsaid).
                var content = new ByteArrayContent(await InputFiles.ReadBytesAsync(f, "file", ct));
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv") { CharSet = ctx.Value(charset) ?? "utf-8" };
                response = await ctx.Api.Notifier.SendAsync(HttpMethod.Post, "/import", content, ct, timeout: ImportTimeout);
            }
            else
            {
                if (ctx.Value(charset) is not null) throw new UsageException("--charset: only for a .csv file (JSON is UTF-8)");
                response = await ctx.Api.Notifier.PostRawAsync("/import", await InputFiles.ReadAsync(f, "file", ct), "application/json", ct, ImportTimeout);
            }
            var j = response.Json;
            ctx.Show(response, _ =>
            {
                ctx.Plain($"{j.S("rows")} rows: {j.S("imported")} imported, {j.S("rejected")} rejected.");
                foreach (var row in j?["results"] as JsonArray ?? [])
                    if (row.S("status") != "imported")
                        foreach (var (field, messages) in row?["errors"] as JsonObject ?? [])
                            foreach (var m in messages as JsonArray ?? [])
                                ctx.Err.WriteLine($"row {row.S("row")}: {field}: {m}");
            });
            return j?["rejected"]?.GetValue<int>() > 0 ? CommandActions.ServiceError : 0;
        });
    }
}
