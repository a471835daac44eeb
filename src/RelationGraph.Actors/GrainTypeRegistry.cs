using System.Collections.Frozen;
using System.Reflection;

namespace RelationGraph.Actors;

/// <summary>
/// Maps grain interfaces to their grain type and grain types to their implementing classes. A grain type is named
/// after its interface (<c>IFollowingGrain</c> is <c>following</c>) unless the interface carries
/// <see cref="GrainTypeAttribute"/>, so a client that only has the interfaces addresses the same grains.
/// </summary>
public sealed class GrainTypeRegistry
{
    private readonly FrozenDictionary<Type, string> _typeByInterface;
    private readonly FrozenDictionary<string, Type> _classByType;

    /// <summary>Builds the registry from grain classes, validating every grain interface method.</summary>
    public GrainTypeRegistry(IEnumerable<Type> grainClasses)
    {
        var typeByInterface = new Dictionary<Type, string>();
        var classByType = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var grainClass in grainClasses.Distinct())
        {
            var grainInterfaces = grainClass.GetInterfaces().Where(IsGrainInterface).ToList();
            if (grainInterfaces.Count != 1)
            {
                throw new InvalidOperationException($"Grain class {grainClass} must implement exactly one grain interface; it implements {grainInterfaces.Count}.");
            }

            var grainInterface = grainInterfaces[0];
            foreach (var method in grainInterface.GetMethods())
            {
                GrainMethod.Validate(method);
            }

            var type = GrainTypeOf(grainInterface);
            if (!classByType.TryAdd(type, grainClass))
            {
                throw new InvalidOperationException($"Grain type '{type}' is implemented by both {classByType[type]} and {grainClass}.");
            }

            typeByInterface.Add(grainInterface, type);
        }

        _typeByInterface = typeByInterface.ToFrozenDictionary();
        _classByType = classByType.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The grain classes found in <paramref name="assembly"/>.</summary>
    public static IEnumerable<Type> FindGrainClasses(Assembly assembly) =>
        assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(Grain).IsAssignableFrom(t));

    /// <summary>The grain interfaces the silo hosts.</summary>
    public IEnumerable<Type> Interfaces => _typeByInterface.Keys;

    /// <summary>The grain type implementing <paramref name="grainInterface"/>; throws when the silo hosts none.</summary>
    public string GetGrainType(Type grainInterface) =>
        _typeByInterface.TryGetValue(grainInterface, out var type)
            ? type
            : throw new InvalidOperationException($"No grain class implementing {grainInterface} is registered with the silo.");

    /// <summary>The grain type name of <paramref name="grainInterface"/>, registered or not: what clients address.</summary>
    public static string GrainTypeOf(Type grainInterface) =>
        grainInterface.GetCustomAttribute<GrainTypeAttribute>()?.Name
        ?? TrimGrainName(grainInterface.Name.StartsWith('I') ? grainInterface.Name[1..] : grainInterface.Name);

    /// <summary>The class implementing <paramref name="grainType"/>.</summary>
    public Type GetGrainClass(string grainType) =>
        _classByType.TryGetValue(grainType, out var grainClass)
            ? grainClass
            : throw new InvalidOperationException($"Unknown grain type '{grainType}'.");

    private static bool IsGrainInterface(Type type) =>
        typeof(IGrain).IsAssignableFrom(type) && type != typeof(IGrain) && type != typeof(IGrainWithIntegerKey) && type != typeof(IGrainWithStringKey);

    private static string TrimGrainName(string name) =>
        (name.EndsWith("Grain", StringComparison.Ordinal) ? name[..^"Grain".Length] : name).ToLowerInvariant();
}
