namespace RelationGraph.Actors.Configuration;

/// <summary>Request delivery settings.</summary>
public sealed class SiloMessagingOptions
{
    /// <summary>A call whose response has not arrived after this long fails with a <see cref="TimeoutException"/>. Orleans' default: 30 seconds.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
