using System.Reflection;

namespace RelationGraph.Actors;

/// <summary>
/// The proxy behind every grain interface reference: turns an interface call into a <see cref="GrainCall"/>
/// for the router. Created by <see cref="IGrainFactory"/>; never constructed directly.
/// </summary>
public class GrainReference : DispatchProxy
{
    private IGrainCallRouter? _router;

    /// <summary>The grain this reference points at.</summary>
    public GrainId GrainId { get; private set; }

    internal static TGrainInterface Create<TGrainInterface>(GrainId grainId, IGrainCallRouter router)
        where TGrainInterface : IGrain
    {
        var proxy = Create<TGrainInterface, GrainReference>();
        var reference = (GrainReference)(object)proxy!;
        reference.GrainId = grainId;
        reference._router = router;
        return proxy;
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var method = GrainMethod.For(targetMethod);
        var call = new GrainCall(GrainId, method, args ?? []);
        return method.ConvertResult(_router!.InvokeAsync(call));
    }

    /// <inheritdoc />
    public override string ToString() => GrainId.ToString();
}
