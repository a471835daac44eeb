using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace RelationGraph.Streams.Cdc;

/// <summary>
/// Reports a change whose delivery Orleans gave up on. Orleans passes no payload here; the receiver, which still holds
/// the change, dead-letters it when Orleans releases it from its cache, and only then lets the slot position pass it.
/// If the queue stops first (its agent gives up on deliveries while shutting down too), the change is not released and
/// stays in the slot, to be delivered again by the next reader.
/// </summary>
internal sealed partial class CdcDeliveryFailureHandler(ILogger logger, QueueId queue) : IStreamFailureHandler
{
    /// <inheritdoc />
    public bool ShouldFaultSubsriptionOnError => false;

    /// <inheritdoc />
    public Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        LogDeliveryFailed(logger, streamProviderName, queue, streamIdentity, sequenceToken);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        LogSubscriptionFailed(logger, streamProviderName, queue, streamIdentity, sequenceToken);
        return Task.CompletedTask;
    }

    [LoggerMessage(1, LogLevel.Error, "{Provider} queue {Queue}: Orleans gave up delivering {Stream} at {Token}; it is dead-lettered once released, or replayed from the slot if the queue stops first")]
    private static partial void LogDeliveryFailed(ILogger logger, string provider, QueueId queue, StreamId stream, StreamSequenceToken? token);

    [LoggerMessage(2, LogLevel.Error, "{Provider} queue {Queue}: subscribing the consumer of {Stream} at {Token} failed")]
    private static partial void LogSubscriptionFailed(ILogger logger, string provider, QueueId queue, StreamId stream, StreamSequenceToken? token);
}
