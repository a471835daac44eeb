using System.CommandLine;
using System.Text.Json;
using RelationGraph.Client;

namespace RelationGraph.Cli;

/// <summary>The REST API's keys: the development silo's admin key, or a new key and the configuration that trusts it.</summary>
internal static partial class RelgraphCommand
{
    /// <summary>Where the development silo keeps its data (and <c>api.key</c>), relative to the working directory; the first one found is used.</summary>
    private static readonly string[] DefaultDataDirectories = [".relationgraph", Path.Combine("silo", "RelationGraph.Silo", ".relationgraph")];

    private static Command ApiKeyCommand(ConnectionOptions connection, RelgraphEnvironment environment)
    {
        var dataDirectory = new Option<string?>("--data-directory")
        {
            Description = $"The silo's data directory holding {ApiKeyFile.FileName}. Default: .relationgraph, else silo/RelationGraph.Silo/.relationgraph.",
            HelpName = "path",
        };
        var create = new Option<bool>("--new") { Description = "Make a new random key and print it with the configuration lines that make a silo trust it." };
        var name = new Option<string>("--name") { Description = "With --new: the key's name in RelationGraph:Api:Keys.", DefaultValueFactory = _ => "caller" };
        var scopes = new Option<string>("--scopes") { Description = "With --new: read, write and/or admin, comma-separated.", DefaultValueFactory = _ => "read,write" };
        var command = new Command("api-key", $"Print the development silo's admin API key (from {ApiKeyFile.FileName} in its data directory), or make a new key with --new.")
        {
            dataDirectory, create, name, scopes,
        };
        SetAction(command, connection, async run =>
        {
            if (run.Value(create))
            {
                var keyName = run.Value(name)!;
                var scopeList = run.Value(scopes)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (keyName.Length == 0 || keyName.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_')) || scopeList.Length == 0 || scopeList.Any(s => s is not ("read" or "write" or "admin")))
                {
                    throw new RelgraphException("--name takes letters, digits, - and _; --scopes one or more of read, write, admin.");
                }

                var key = ApiKeyFile.NewKey();
                var settings = new Dictionary<string, string> { [$"RelationGraph__Api__Keys__{keyName}__Hash"] = ApiKeyFile.Hash(key) };
                for (var i = 0; i < scopeList.Length; i++)
                {
                    settings[$"RelationGraph__Api__Keys__{keyName}__Scopes__{i}"] = scopeList[i];
                }

                await WriteAsync(run, key, null, settings);
                return;
            }

            var directories = run.Value(dataDirectory) is { Length: > 0 } given ? [given] : DefaultDataDirectories;
            foreach (var directory in directories.Select(d => Path.GetFullPath(d, environment.CurrentDirectory)))
            {
                if (ApiKeyFile.TryRead(directory) is { } existing)
                {
                    await WriteAsync(run, existing, ApiKeyFile.PathIn(directory), null);
                    return;
                }
            }

            throw new RelgraphException(
                $"no {ApiKeyFile.FileName} in {string.Join(" or ", directories)}: the development silo writes it on its first start; --new makes a key for a configured silo.");
        });
        return command;
    }

    private static async Task WriteAsync(Invocation run, string key, string? path, Dictionary<string, string>? settings)
    {
        if (run.Json)
        {
            await run.Stdout.WriteLineAsync(JsonSerializer.Serialize(new { key, path, settings }));
            return;
        }

        await run.Stdout.WriteLineAsync(key);
        if (path is not null)
        {
            await run.Stderr.WriteLineAsync($"(from {path}; send it as 'Authorization: Bearer <key>')");
        }

        foreach (var (setting, value) in settings ?? [])
        {
            await run.Stdout.WriteLineAsync($"{setting}={value}");
        }
    }
}
