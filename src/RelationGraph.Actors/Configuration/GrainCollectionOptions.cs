namespace RelationGraph.Actors.Configuration;

/// <summary>When idle activations are deactivated.</summary>
public sealed class GrainCollectionOptions
{
    /// <summary>An activation idle for this long is deactivated. Orleans' default: 15 minutes.</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the collector looks for idle activations. Orleans' default: 1 minute.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);
}
