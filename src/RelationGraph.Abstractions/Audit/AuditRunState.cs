namespace RelationGraph.Abstractions.Audit;

/// <summary>Where an audit run is.</summary>
[GenerateSerializer, Alias("RelationGraph.AuditRunState")]
public enum AuditRunState
{
    /// <summary>Still scanning.</summary>
    Running = 0,

    /// <summary>Every part finished.</summary>
    Completed = 1,

    /// <summary>A part gave up; see the silo log.</summary>
    Failed = 2,
}
