using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;

namespace RelationGraph.Client;

/// <summary>Adds the RelationGraph client to an application's own host.</summary>
public static class RelationGraphClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IRelationGraphClient"/> on an Orleans client (<c>AddOrleansClient</c>) in the caller's host. The
    /// Orleans client connects when the host starts: a host whose cluster cannot be reached fails to start with Orleans'
    /// reason, and a host with invalid options fails to start with an <see cref="ArgumentException"/> naming the setting.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <paramref name="configure"/> is applied the usual options way, so <c>services.Configure&lt;RelationGraphClientOptions&gt;</c>
    /// (or binding from configuration) works as well.
    /// </para>
    /// <para>
    /// The same host also gets Orleans' <see cref="IClusterClient"/> and <see cref="IGrainFactory"/>, for callers who prefer to
    /// call the grains (<c>IFollowingGrain</c>, <c>IFanGrain</c>, keyed by user id) directly, without this client's input
    /// checks and retries. Do not use it in a silo's host (which has a client of its own), and do not configure another
    /// Orleans client in the same host: it would be the same client.
    /// </para>
    /// </remarks>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Sets the gateways or membership table, the cluster certificate and the rest.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddRelationGraphClient(this IServiceCollection services, Action<RelationGraphClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<RelationGraphClientOptions>()
            .Configure(configure)
            .Validate(o =>
            {
                o.Validate();
                return true;
            })
            .ValidateOnStart();

        if (!services.Any(d => d.ServiceType == typeof(Registered)))
        {
            services.AddSingleton<Registered>();
            RelationGraphOrleansClient.Add(services);
            services.AddSingleton<IRelationGraphClient>(provider => new RelationGraphClient(
                provider.GetRequiredService<IClusterClient>(),
                provider.GetRequiredService<IOptions<RelationGraphClientOptions>>().Value));
        }

        return services;
    }

    /// <summary>Marks a service collection the client was added to, so that adding it twice only adds configuration.</summary>
    private sealed class Registered;
}
