namespace RelationGraph.Actors;

/// <summary>The methods of a set of grain interfaces by wire id, to decode incoming requests.</summary>
public sealed class GrainMethodTable
{
    private readonly Dictionary<int, GrainMethod> _methods = [];

    /// <summary>Indexes every method of <paramref name="grainInterfaces"/>; throws on an id collision.</summary>
    public GrainMethodTable(IEnumerable<Type> grainInterfaces)
    {
        foreach (var method in grainInterfaces.SelectMany(i => i.GetMethods()).Select(GrainMethod.For))
        {
            if (!_methods.TryAdd(method.Id, method) && _methods[method.Id] != method)
            {
                throw new InvalidOperationException($"Grain methods {method.Name} and {_methods[method.Id].Name} have the same wire id; rename one.");
            }
        }
    }

    /// <summary>The method with wire id <paramref name="id"/>.</summary>
    public GrainMethod Get(int id) =>
        _methods.TryGetValue(id, out var method) ? method : throw new InvalidDataException($"Unknown grain method id {id}.");
}
