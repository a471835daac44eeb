namespace RelationGraph.Actors.PostgreSql.Streams;

/// <summary>
/// Called after a batch was delivered and before its checkpoint commits. Throwing abandons the batch exactly as a
/// crash at that point would (it is redelivered); tests use this to prove consumers are idempotent.
/// </summary>
public interface IStreamBatchInterceptor
{
    /// <summary>The batch of <paramref name="events"/> events of <paramref name="queue"/> in <paramref name="database"/> was delivered.</summary>
    ValueTask BeforeCheckpointAsync(string database, int queue, int events);
}
