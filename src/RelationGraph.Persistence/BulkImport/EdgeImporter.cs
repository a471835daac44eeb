using System.Diagnostics;
using System.Text;
using RelationGraph.Persistence.Sharding;

namespace RelationGraph.Persistence.BulkImport;

/// <summary>
/// Loads an edge list into both copies, sharded: each follow becomes a <c>following</c> row on the follower's shard and a
/// <c>fans</c> row on the followee's shard. The input is first read whole, validated and sorted per shard and direction in
/// bounded memory (runs spill to temporary files), keeping the newest line of each pair; a bad line stops the import before
/// anything is written. Then every shard loads in parallel: an empty shard takes the rows by binary COPY straight into its
/// tables, counts included, in one transaction; a shard with data merges them in batches (last writer wins, an existing
/// follow is never bumped, a tombstone is revived only by a newer follow) and adds exactly the flips to the counts. Both
/// paths leave the same rows and counts, and re-running an import changes nothing.
/// </summary>
/// <param name="shards">The started storage.</param>
/// <param name="batchSize">Rows per merge transaction on a shard that has data.</param>
/// <param name="sortRows">Rows held in memory for sorting, over all shards and directions (24 bytes each).</param>
public sealed partial class EdgeImporter(ShardSet shards, int batchSize = 200_000, int sortRows = 1 << 21)
{
    /// <summary>Imports the edge list in <paramref name="path"/>; throws <see cref="FormatException"/> (writing nothing) on the first bad line.</summary>
    public async Task<ImportSummary> ImportAsync(string path, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var runs = new SortedEdgeRuns[shards.All.Count * 2];
        for (var i = 0; i < runs.Length; i++)
        {
            runs[i] = new SortedEdgeRuns(Math.Max(1, sortRows / runs.Length));
        }

        try
        {
            var edges = await Task.Run(() => Read(path, runs, progress, cancellationToken), cancellationToken);
            var writing = Stopwatch.StartNew();
            var loading = Task.WhenAll(shards.All.Select(shard =>
                LoadShardAsync(shard, runs[2 * shard.Database.ShardId], runs[(2 * shard.Database.ShardId) + 1], cancellationToken)));
            while (await Task.WhenAny(loading, Task.Delay(250, CancellationToken.None)) != loading)
            {
                progress?.Report(new ImportProgress(ImportStage.Writing, runs.Sum(r => r.Consumed) / 2, edges, writing.Elapsed));
            }

            var loads = await loading;
            progress?.Report(new ImportProgress(ImportStage.Writing, edges, edges, writing.Elapsed));
            return new ImportSummary(edges, loads.Sum(l => l.NewFollows), clock.Elapsed, loads.Count(l => l.Bulk));
        }
        finally
        {
            foreach (var run in runs)
            {
                run.Dispose();
            }
        }
    }

    /// <summary>Parses, validates and routes every line; returns the number of edges.</summary>
    private long Read(string path, SortedEdgeRuns[] runs, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var lines = CountLines(path);
        var importedAt = EventTime.ToMicros(DateTimeOffset.UtcNow);
        var map = shards.Map;
        var clock = Stopwatch.StartNew();
        long lineNumber = 0, edges = 0;
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        while (reader.ReadLine() is { } text)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var line = EdgeListLine.Parse(text, lineNumber);
            var at = line.UnixMilliseconds is { } ms ? ms * 1_000 : importedAt;
            runs[2 * map.ShardOf(line.Follower)].Add(new ImportRow(line.Follower, line.Followee, at));
            runs[(2 * map.ShardOf(line.Followee)) + 1].Add(new ImportRow(line.Followee, line.Follower, at));
            if (++edges % 100_000 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new ImportProgress(ImportStage.Reading, edges, Math.Max(lines, edges), clock.Elapsed));
            }
        }

        progress?.Report(new ImportProgress(ImportStage.Reading, edges, edges, clock.Elapsed));
        return edges;
    }

    /// <summary>The input's line count, for the progress of reading: a scan for newlines costs far less than parsing.</summary>
    private static long CountLines(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0);
        var buffer = new byte[1 << 20];
        long lines = 0;
        var last = (byte)'\n';
        int read;
        while ((read = file.Read(buffer)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            last = buffer[read - 1];
        }

        return last == '\n' ? lines : lines + 1;
    }
}
