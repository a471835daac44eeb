using Orleans.Configuration;
using Orleans.Runtime;
using RelationGraph.Persistence.Outbox;

namespace RelationGraph.Streams;

/// <summary>Checks the outbox stream settings (<c>RelationGraph:Streams</c>) and the pulling agent settings they require.</summary>
public sealed class OutboxStreamOptionsValidator(StreamOptions options, StreamPullingAgentOptions agentOptions, string name) : IConfigurationValidator
{
    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        Require(options.QueuesPerDatabase >= 1, nameof(options.QueuesPerDatabase), "must be at least 1");
        Require(options.BatchSize >= 1, nameof(options.BatchSize), "must be at least 1");
        Require(options.PollInterval > TimeSpan.Zero, nameof(options.PollInterval), "must be positive");
        Require(options.MaxPollInterval >= TimeSpan.Zero, nameof(options.MaxPollInterval), "must not be negative");
        Require(options.MaxDeliveryAttempts >= 1, nameof(options.MaxDeliveryAttempts), "must be at least 1");
        Require(options.DeliveryRetryDelay > TimeSpan.Zero, nameof(options.DeliveryRetryDelay), "must be positive");
        Require(options.MaxDeliveryRetryDelay >= options.DeliveryRetryDelay, nameof(options.MaxDeliveryRetryDelay), $"must be at least {nameof(options.DeliveryRetryDelay)}");
        Require(options.LeaseDuration >= TimeSpan.FromSeconds(1), nameof(options.LeaseDuration), "must be at least one second");
        Require(options.MaxQueueDepth >= 1, nameof(options.MaxQueueDepth), "must be at least 1");
        Require(options.MaxBackPressureWait >= TimeSpan.Zero, nameof(options.MaxBackPressureWait), "must not be negative");
        if (agentOptions.BatchContainerBatchSize != 1)
        {
            // Orleans would hand the failure handler only the first container of a failed group and never confirm the others.
            throw new OrleansConfigurationException(
                $"Invalid {nameof(StreamPullingAgentOptions)} for outbox stream provider '{name}': {nameof(agentOptions.BatchContainerBatchSize)} must be 1 "
                + $"(each container already holds up to {nameof(options.BatchSize)} events of its stream).");
        }
    }

    private void Require(bool valid, string property, string rule)
    {
        if (!valid)
        {
            throw new OrleansConfigurationException($"Invalid {nameof(StreamOptions)} for outbox stream provider '{name}' ({StreamOptions.SectionName}): {property} {rule}.");
        }
    }
}
