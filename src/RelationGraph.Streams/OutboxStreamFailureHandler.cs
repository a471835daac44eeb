using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;
using RelationGraph.Persistence.Outbox;

namespace RelationGraph.Streams;

/// <summary>
/// What happens to a batch Orleans gave up delivering (after retrying it for <c>MaxEventDeliveryTime</c>, see
/// <see cref="OutboxDeliveryBackoff"/>). Orleans' default handler does nothing, and its cache then neither confirms nor
/// redelivers the batch. This one never drops it: a batch of several events is released to be delivered again event by
/// event; a single event that fails is moved, with its row, to <c>stream_dead_letters</c> (see
/// <see cref="OutboxDeadLetters.ReplayAsync(Persistence.Sharding.ShardSet, CancellationToken)"/>).
/// </summary>
/// <remarks>
/// Orleans passes only the stream id and the batch's token, never the payload or the subscriber's exception; the token
/// (<see cref="OutboxSequenceToken"/>) leads to the batch's rows. The subscriber's exception is in the silo log, from
/// Orleans' <c>PersistentStreamPullingAgent</c> ("Failed to deliver message to consumer").
/// </remarks>
public sealed partial class OutboxStreamFailureHandler : IStreamFailureHandler
{
    private readonly string _providerName;
    private readonly InFlightBatches _inFlight;
    private readonly StreamOptions _options;
    private readonly StreamMetrics _metrics;
    private readonly StreamQueueSignals? _signals;
    private readonly ILogger _logger;

    internal OutboxStreamFailureHandler(string providerName, InFlightBatches inFlight, StreamOptions options, StreamMetrics metrics, StreamQueueSignals? signals, ILogger logger)
    {
        _providerName = providerName;
        _inFlight = inFlight;
        _options = options;
        _metrics = metrics;
        _signals = signals;
        _logger = logger;
    }

    /// <summary>
    /// False: a subscription stays after a failed delivery and keeps receiving later events. (Orleans ignores this for
    /// implicit subscriptions, which it never faults; for explicit ones true would remove the subscription.)
    /// </summary>
    public bool ShouldFaultSubsriptionOnError => false;

    /// <inheritdoc />
    public async Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        if (sequenceToken is not OutboxSequenceToken token || !_inFlight.TryTake(token.SequenceNumber, out var batch))
        {
            // Released already (its receiver stopped) or not ours: it will be, or was, read again.
            LogUnknownBatch(_logger, streamIdentity, sequenceToken);
            return;
        }

        try
        {
            if (batch.Rows.Length > 1)
            {
                // Counted as redelivered when read again.
                await OutboxSql.ReleaseFailedAsync(batch.Shard, batch.Queue, batch.Rows, batch.Owner, CancellationToken.None);
                LogRetryingAlone(_logger, streamIdentity, batch.Rows.Length, batch.Shard.Name, batch.Queue);
                _signals?.Signal(batch.Shard.DataSource, batch.Queue);
                return;
            }

            var error = $"Stream provider '{streamProviderName}' gave up delivering to stream {streamIdentity} (subscription {subscriptionId}) "
                + $"after retrying for {OutboxDeliveryBackoff.DeliveryWindow(_options)} (up to {_options.MaxDeliveryAttempts} calls); "
                + "the subscriber's exception is in the silo log of that time (PersistentStreamPullingAgent).";
            var moved = await OutboxSql.DeadLetterAsync(batch.Shard, batch.Queue, batch.Rows, batch.Owner, error, CancellationToken.None);
            _metrics.RecordDeadLettered(moved);
            LogDeadLettered(_logger, streamIdentity, batch.Rows[0], batch.Shard.Name, batch.Queue, moved);
        }
        catch (Exception exception)
        {
            // No longer renewed, the rows' leases lapse and they are delivered again.
            LogFailed(_logger, exception, streamIdentity, batch.Shard.Name, batch.Queue);
        }
    }

    /// <inheritdoc />
    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        // A failed handshake: Orleans then delivers from the batch that brought the stream, so nothing is lost here.
        LogSubscriptionFailed(_logger, _providerName, streamIdentity, subscriptionId);
        return Task.CompletedTask;
    }

    [LoggerMessage(1, LogLevel.Warning, "Delivery to {StreamId} failed; {Rows} events of shard {Shard} queue {Queue} will be delivered again one by one")]
    private static partial void LogRetryingAlone(ILogger logger, StreamId streamId, int rows, string shard, int queue);

    [LoggerMessage(2, LogLevel.Error, "Delivery to {StreamId} failed; dead-lettered row {Sequence} of shard {Shard} queue {Queue} ({Moved} moved)")]
    private static partial void LogDeadLettered(ILogger logger, StreamId streamId, long sequence, string shard, int queue, int moved);

    [LoggerMessage(3, LogLevel.Warning, "Could not retry or dead-letter a failed batch of {StreamId} (shard {Shard} queue {Queue}); its lease lapses and it is delivered again")]
    private static partial void LogFailed(ILogger logger, Exception exception, StreamId streamId, string shard, int queue);

    [LoggerMessage(4, LogLevel.Information, "Delivery to {StreamId} failed for a batch this silo no longer holds ({Token}); it is delivered again")]
    private static partial void LogUnknownBatch(ILogger logger, StreamId streamId, StreamSequenceToken? token);

    [LoggerMessage(5, LogLevel.Warning, "Stream provider {Provider}: subscription {SubscriptionId} to {StreamId} failed its handshake")]
    private static partial void LogSubscriptionFailed(ILogger logger, string provider, StreamId streamId, GuidId subscriptionId);
}
