using System.Text.Json;
using RelationGraph.Abstractions;
using RelationGraph.Client;

namespace RelationGraph.Cli.Output;

/// <summary>One JSON document per command on stdout, in the REST API's shapes: camelCase, ids as numbers, UTC timestamps.</summary>
internal sealed class JsonOutput(TextWriter stdout) : IRelgraphOutput
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new Timestamps.JsonConverter() },
    };

    public Task FollowResultAsync(FollowResult result) => WriteAsync(result);

    /// <summary>Every page's items in one list; <c>nextCursor</c> is the last page's (null after --all).</summary>
    public async Task EdgesAsync(IAsyncEnumerable<EdgePage> pages)
    {
        var (items, nextCursor) = await CollectAsync(pages, p => p.Items, p => p.NextCursor);
        await WriteAsync(new EdgePage(items, nextCursor));
    }

    public Task CountsAsync(Counts counts) => WriteAsync(counts);

    public Task RelationAsync(Relation relation) => WriteAsync(relation);

    public Task FriendResultAsync(FriendResult result) => WriteAsync(result);

    public Task BlockResultAsync(BlockResult result) => WriteAsync(result);

    public Task RelationsAsync(RelationSet relations) => WriteAsync(relations);

    /// <summary>Every page's users in one list; <c>nextCursor</c> is the last page's (null after --all).</summary>
    public async Task UsersAsync(IAsyncEnumerable<UserPage> pages)
    {
        var (items, nextCursor) = await CollectAsync(pages, p => p.Items, p => p.NextCursor);
        await WriteAsync(new UserPage(items, nextCursor));
    }

    public Task SilosAsync(IReadOnlyList<SiloInfo> silos) => WriteAsync(silos);

    private static async Task<(List<TItem> Items, string? NextCursor)> CollectAsync<TPage, TItem>(
        IAsyncEnumerable<TPage> pages, Func<TPage, IEnumerable<TItem>> items, Func<TPage, string?> nextCursor)
    {
        var all = new List<TItem>();
        string? next = null;
        await foreach (var page in pages)
        {
            all.AddRange(items(page));
            next = nextCursor(page);
        }

        return (all, next);
    }

    private Task WriteAsync<T>(T value) => stdout.WriteLineAsync(JsonSerializer.Serialize(value, Options));
}
