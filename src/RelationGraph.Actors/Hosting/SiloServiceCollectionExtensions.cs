using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RelationGraph.Actors.Configuration;
using RelationGraph.Actors.Runtime;

namespace RelationGraph.Actors.Hosting;

/// <summary>Adds a silo to a host.</summary>
public static class SiloServiceCollectionExtensions
{
    /// <summary>
    /// Adds the silo: catalog, grain factory, call routing, idle collection and shutdown. Options
    /// (<see cref="SiloOptions"/>, <see cref="GrainCollectionOptions"/>, <see cref="SiloMessagingOptions"/>) are validated at start.
    /// </summary>
    public static IServiceCollection AddSilo(this IServiceCollection services, Action<ISiloBuilder> configure)
    {
        configure(new SiloBuilder(services));

        services.AddOptions<SiloOptions>()
            .Validate(o => !string.IsNullOrWhiteSpace(o.ClusterId) && !string.IsNullOrWhiteSpace(o.ServiceId), "ClusterId and ServiceId are required.")
            .Validate(o => IsPort(o.SiloPort) && IsPort(o.GatewayPort), "SiloPort and GatewayPort must be between 0 (any free port) and 65535.")
            .ValidateOnStart();
        services.AddOptions<GrainCollectionOptions>()
            .Validate(o => o.CollectionAge > TimeSpan.Zero && o.CollectionQuantum > TimeSpan.Zero, "CollectionAge and CollectionQuantum must be positive.")
            .ValidateOnStart();
        services.AddOptions<SiloMessagingOptions>()
            .Validate(o => o.ResponseTimeout > TimeSpan.Zero, "ResponseTimeout must be positive.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SiloControl>();
        services.AddSingleton(sp => new GrainTypeRegistry(sp.GetRequiredService<IOptions<GrainTypeOptions>>().Value.Classes));
        services.AddSingleton(sp => new Lazy<IGrainFactory>(sp.GetRequiredService<IGrainFactory>));
        services.AddSingleton<Catalog>();
        services.TryAddSingleton<IGrainCallRouter, LocalGrainCallRouter>();
        services.AddSingleton<IGrainFactory>(sp => new GrainFactory(sp.GetRequiredService<GrainTypeRegistry>(), sp.GetRequiredService<IGrainCallRouter>()));
        services.AddHostedService<Silo>();
        return services;
    }

    private static bool IsPort(int port) => port is >= 0 and <= 65535;
}
