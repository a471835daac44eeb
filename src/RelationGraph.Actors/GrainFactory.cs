namespace RelationGraph.Actors;

/// <summary>Creates grain references; <paramref name="grainTypeOf"/> names the grain type of an interface.</summary>
internal sealed class GrainFactory(Func<Type, string> grainTypeOf, IGrainCallRouter router) : IGrainFactory
{
    public GrainFactory(GrainTypeRegistry registry, IGrainCallRouter router)
        : this(registry.GetGrainType, router)
    {
    }

    public TGrainInterface GetGrain<TGrainInterface>(long key) where TGrainInterface : IGrainWithIntegerKey =>
        GrainReference.Create<TGrainInterface>(GrainId.Create(grainTypeOf(typeof(TGrainInterface)), key), router);

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey =>
        GrainReference.Create<TGrainInterface>(new GrainId(grainTypeOf(typeof(TGrainInterface)), key), router);
}
