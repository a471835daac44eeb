namespace RelationGraph.Silo.Observability;

/// <summary>The Prometheus endpoint: <c>RelationGraph:Metrics</c>.</summary>
public sealed class MetricsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RelationGraph:Metrics";

    /// <summary>Whether the silo serves <see cref="Path"/>; on by default.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where Prometheus scrapes, <c>/metrics</c> by default.</summary>
    public string Path { get; set; } = "/metrics";
}
