namespace RelationGraph.Actors.PostgreSql.Streams;

/// <summary>The registered implicit subscriptions, by namespace.</summary>
public sealed class StreamSubscriptions(IEnumerable<StreamSubscription> subscriptions)
{
    private readonly Dictionary<string, StreamSubscription> _byNamespace = subscriptions.ToDictionary(s => s.Namespace, StringComparer.Ordinal);

    /// <summary>Delivers events of one stream, in order, to its subscriber grain in one call.</summary>
    public Task DeliverAsync(IGrainFactory grains, string streamNamespace, long key, IReadOnlyList<byte[]> payloads) =>
        _byNamespace.TryGetValue(streamNamespace, out var subscription)
            ? subscription.Deliver(grains, key, payloads)
            : throw new InvalidDataException($"No implicit subscription for stream namespace '{streamNamespace}'.");
}
