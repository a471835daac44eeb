namespace RelationGraph.Actors;

/// <summary>Gives references to grains. A reference is cheap, needs no activation and can be kept.</summary>
public interface IGrainFactory
{
    /// <summary>A reference to the integer-keyed grain <typeparamref name="TGrainInterface"/> with key <paramref name="key"/>.</summary>
    TGrainInterface GetGrain<TGrainInterface>(long key) where TGrainInterface : IGrainWithIntegerKey;

    /// <summary>A reference to the string-keyed grain <typeparamref name="TGrainInterface"/> with key <paramref name="key"/>.</summary>
    TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey;
}
