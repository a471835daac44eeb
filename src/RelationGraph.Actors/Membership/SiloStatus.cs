namespace RelationGraph.Actors.Membership;

/// <summary>A silo's state in the membership table, as in Orleans.</summary>
public enum SiloStatus : short
{
    /// <summary>Starting, not yet serving.</summary>
    Joining = 1,

    /// <summary>Serving; grains are placed on it.</summary>
    Active = 2,

    /// <summary>Shutting down gracefully; no new grains are placed on it.</summary>
    ShuttingDown = 3,

    /// <summary>Gone: stopped, or declared dead by its peers. Final.</summary>
    Dead = 4,
}
