namespace RelationGraph.Actors;

internal interface IGrainContext
{
    GrainId GrainId { get; }

    IGrainFactory GrainFactory { get; }

    void DeactivateOnIdle();
}
