using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using RelationGraph.Actors.Configuration;

namespace RelationGraph.Actors.Hosting;

/// <summary>Grain registration on <see cref="ISiloBuilder"/>.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>Hosts every grain class of <paramref name="assembly"/>.</summary>
    public static ISiloBuilder AddGrainsFromAssembly(this ISiloBuilder builder, Assembly assembly)
    {
        var classes = GrainTypeRegistry.FindGrainClasses(assembly).ToList();
        builder.Services.Configure<GrainTypeOptions>(options => options.Classes.UnionWith(classes));
        return builder;
    }

    /// <summary>Hosts the grain class <typeparamref name="TGrain"/>.</summary>
    public static ISiloBuilder AddGrain<TGrain>(this ISiloBuilder builder) where TGrain : Grain
    {
        builder.Services.Configure<GrainTypeOptions>(options => options.Classes.Add(typeof(TGrain)));
        return builder;
    }
}
