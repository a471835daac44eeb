using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Orleans.Messaging;
using Orleans.Runtime;
using Orleans.Runtime.Membership;
using Orleans.Runtime.Messaging;

namespace RelationGraph.Client;

/// <summary>
/// The Orleans client of RelationGraph, configured from <see cref="IOptions{RelationGraphClientOptions}"/> when it is
/// built (not when it is registered), so that options configured later, bound from configuration or invalid (reported
/// when the host starts) all behave as options usually do.
/// </summary>
internal static class RelationGraphOrleansClient
{
    /// <summary>The ADO.NET invariant of PostgreSQL, as the silos' clustering uses it.</summary>
    public const string AdoNetInvariant = "Npgsql";

    /// <summary>
    /// Adds the Orleans client (<c>AddOrleansClient</c>) to <paramref name="services"/>: clustering from the static gateway
    /// list or the membership table, cluster and service id, response and connection timeouts, and TLS with the pinned
    /// cluster certificate. The caller registers <see cref="IOptions{RelationGraphClientOptions}"/>.
    /// </summary>
    public static void Add(IServiceCollection services)
    {
        services.TryAddSingleton<ClusterCertificateSource>();
        services.AddOrleansClient(client =>
        {
            // A call carries the caller's trace context (W3C traceparent) to the grain, so a follow is one trace.
            client.AddActivityPropagation();
            var orleans = client.Services;
            orleans.AddOptions<ClusterOptions>().Configure<IOptions<RelationGraphClientOptions>>((cluster, options) =>
            {
                cluster.ClusterId = options.Value.ClusterId;
                cluster.ServiceId = options.Value.ServiceId;
            });
            orleans.AddOptions<ClientMessagingOptions>().Configure<IOptions<RelationGraphClientOptions>>((messaging, options) =>
                messaging.ResponseTimeout = options.Value.ResponseTimeout);
            orleans.AddOptions<ConnectionOptions>().Configure<IOptions<RelationGraphClientOptions>>((connection, options) =>
                connection.OpenConnectionTimeout = options.Value.OpenConnectionTimeout);

            // Which gateway list provider is chosen when it is built, from the options; each one's options are set from them too.
            orleans.AddOptions<StaticGatewayListProviderOptions>().Configure<IOptions<RelationGraphClientOptions>>((gateways, options) =>
                gateways.Gateways = [.. options.Value.Gateways.Select(g => GatewayEndPoint.Parse(g).ToGatewayUri())]);
            orleans.AddOptions<AdoNetClusteringClientOptions>().Configure<IOptions<RelationGraphClientOptions>>((table, options) =>
            {
                table.Invariant = AdoNetInvariant;
                table.ConnectionString = options.Value.MembershipConnectionString;
            });
            orleans.AddSingleton<IGatewayListProvider>(provider =>
                provider.GetRequiredService<IOptions<RelationGraphClientOptions>>().Value.UsesMembershipTable
                    ? ActivatorUtilities.CreateInstance<AdoNetGatewayListProvider>(provider)
                    : ActivatorUtilities.CreateInstance<StaticGatewayListProvider>(provider));

            // What UseTls(certificate, configure) does, but with the certificate known only once the options are, and
            // with failed handshakes recorded so that they can be reported as such.
            orleans.AddSingleton<TlsHandshakeFailures>();
            orleans.AddOptions<ClientConnectionOptions>().Configure<IOptions<RelationGraphClientOptions>, ClusterCertificateSource, TlsHandshakeFailures>(
                (connection, options, source, handshakes) =>
                {
                    if (!options.Value.UseTls)
                    {
                        return;
                    }

                    var certificate = source.Certificate;
                    var tls = new TlsOptions();
                    ClusterTls.Configure(tls, certificate, options.Value.TlsTargetHost);
                    handshakes.Observe(connection, tls, certificate);
                });

            // Replaces Orleans' default, which keeps trying to connect for about three minutes.
            orleans.AddSingleton<IClientConnectionRetryFilter, ConnectRetryFilter>();
        });
    }

    /// <summary>
    /// Whether a failed call may be repeated: the cluster could not be reached (no gateway, a closed connection, a
    /// rejected message) or did not answer in time. Errors of the call itself (invalid input, an unavailable shard,
    /// back-pressure) are not.
    /// </summary>
    public static bool IsTransient(Exception exception) =>
        exception is TimeoutException
            or OrleansMessageRejectionException // includes SiloUnavailableException
            or ConnectionFailedException
            or GatewayTooBusyException;
}

/// <summary>The lifetime of a client's own host: no console signal handling, which is the application's business.</summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
