using System.Collections.Concurrent;
using System.Diagnostics;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;
using RelationGraph.Tests.Redundancy;

namespace RelationGraph.Tests.Observability;

/// <summary>
/// One follow is one trace: the SDK call, the following grain, the shard write, the stream event (its outbox row
/// carries the trace context; in Cdc mode a logical message in the replication log does) and the fan grain's write,
/// read from the spans the silos start.
/// </summary>
public sealed class TraceTests(PostgresFixture postgres)
{
    private static readonly ActivitySource TestSource = new("RelationGraph.Tests.Traces");

    [Theory]
    [InlineData("Sync")]
    [InlineData("Stream")]
    [InlineData("Cdc")]
    public async Task A_follows_trace_id_reaches_the_fan_write(string mode)
    {
        using var spans = new SpanRecorder();
        await using var cluster = await RedundancyCluster.StartAsync(postgres, mode, silos: 2);
        await using var client = await cluster.ConnectRelationGraphClientAsync(cancellationToken: Token);
        var (fan, star) = (new UserId(7_001), new UserId(7_002));

        ActivityTraceId traceId;
        using (var root = TestSource.StartActivity("test follow", ActivityKind.Client))
        {
            Assert.NotNull(root);
            traceId = root.TraceId;
            await client.FollowAsync(fan, star, Token);
        }

        var fanWrite = await Eventually.ValueAsync(
            _ => Task.FromResult(spans.Find(traceId, "fan grain apply")),
            span => span is not null,
            TimeSpan.FromSeconds(30),
            $"the fan write of {fan} -> {star} in trace {traceId}",
            Token);
        Assert.Equal(star.Value, fanWrite!.GetTagItem("relationgraph.user"));
        var grain = spans.Find(traceId, "following grain follow");
        Assert.NotNull(grain);
        Assert.Equal(fan.Value, grain.GetTagItem("relationgraph.user"));
        var writes = spans.All(traceId, "shard write");
        Assert.Contains(writes, w => (string?)w.GetTagItem("relationgraph.direction") == "following");
        Assert.Contains(writes, w => (string?)w.GetTagItem("relationgraph.direction") == "fans");
        if (mode == "Stream")
        {
            // The fan write's parent is the following write that appended the outbox row, read back from that row.
            var followingWrite = writes.Single(w => (string?)w.GetTagItem("relationgraph.direction") == "following");
            Assert.Equal(followingWrite.SpanId, fanWrite.ParentSpanId);
        }

        if (mode == "Cdc")
        {
            // The fan write's parent is the following grain's span, announced in the replication log before its write.
            Assert.Equal(grain.SpanId, fanWrite.ParentSpanId);
        }
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Every stopped span of RelationGraph's, Orleans' and this test's sources, in this process.</summary>
    private sealed class SpanRecorder : IDisposable
    {
        private readonly ConcurrentQueue<Activity> _spans = new();
        private readonly ActivityListener _listener;

        public SpanRecorder()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name is RelationGraphTracing.SourceName or "RelationGraph.Tests.Traces" || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = _spans.Enqueue,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public Activity? Find(ActivityTraceId traceId, string name) => _spans.FirstOrDefault(s => s.TraceId == traceId && s.OperationName == name);

        public List<Activity> All(ActivityTraceId traceId, string name) => [.. _spans.Where(s => s.TraceId == traceId && s.OperationName == name)];

        public void Dispose() => _listener.Dispose();
    }
}
