using System.Collections.Frozen;
using System.Reflection;

namespace RelationGraph.Actors;

/// <summary>Maps grain interfaces to their grain type and grain types to their implementing classes.</summary>
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
            var type = GetGrainTypeName(grainClass);
            if (!classByType.TryAdd(type, grainClass))
            {
                throw new InvalidOperationException($"Grain type '{type}' is implemented by both {classByType[type]} and {grainClass}.");
            }

            foreach (var grainInterface in grainClass.GetInterfaces().Where(IsGrainInterface))
            {
                foreach (var method in grainInterface.GetMethods())
                {
                    GrainMethod.Validate(method);
                }

                if (!typeByInterface.TryAdd(grainInterface, type))
                {
                    throw new InvalidOperationException($"Grain interface {grainInterface} is implemented by more than one grain class.");
                }
            }
        }

        _typeByInterface = typeByInterface.ToFrozenDictionary();
        _classByType = classByType.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The grain classes found in <paramref name="assembly"/>.</summary>
    public static IEnumerable<Type> FindGrainClasses(Assembly assembly) =>
        assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(Grain).IsAssignableFrom(t));

    /// <summary>The grain type implementing <paramref name="grainInterface"/>.</summary>
    public string GetGrainType(Type grainInterface) =>
        _typeByInterface.TryGetValue(grainInterface, out var type)
            ? type
            : throw new InvalidOperationException($"No grain class implementing {grainInterface} is registered with the silo.");

    /// <summary>The class implementing <paramref name="grainType"/>.</summary>
    public Type GetGrainClass(string grainType) =>
        _classByType.TryGetValue(grainType, out var grainClass)
            ? grainClass
            : throw new InvalidOperationException($"Unknown grain type '{grainType}'.");

    private static bool IsGrainInterface(Type type) =>
        typeof(IGrain).IsAssignableFrom(type) && type != typeof(IGrain) && type != typeof(IGrainWithIntegerKey) && type != typeof(IGrainWithStringKey);

    private static string GetGrainTypeName(Type grainClass) =>
        grainClass.GetCustomAttribute<GrainTypeAttribute>()?.Name
        ?? (grainClass.Name.EndsWith("Grain", StringComparison.Ordinal) ? grainClass.Name[..^"Grain".Length] : grainClass.Name).ToLowerInvariant();
}
