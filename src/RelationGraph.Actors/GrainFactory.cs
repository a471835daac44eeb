namespace RelationGraph.Actors;

internal sealed class GrainFactory(GrainTypeRegistry registry, IGrainCallRouter router) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(long key) where TGrainInterface : IGrainWithIntegerKey =>
        GrainReference.Create<TGrainInterface>(GrainId.Create(registry.GetGrainType(typeof(TGrainInterface)), key), router);

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey =>
        GrainReference.Create<TGrainInterface>(new GrainId(registry.GetGrainType(typeof(TGrainInterface)), key), router);
}
