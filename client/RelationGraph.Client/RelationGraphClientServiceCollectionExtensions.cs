using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RelationGraph.Client;

/// <summary>Adds the RelationGraph client to a service collection.</summary>
public static class RelationGraphClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IRelationGraphClient"/>, connected when the host starts (a host whose cluster cannot be reached
    /// fails to start with the reason). Options are validated at start.
    /// </summary>
    public static IServiceCollection AddRelationGraphClient(this IServiceCollection services, Action<RelationGraphClientOptions> configure)
    {
        services.AddOptions<RelationGraphClientOptions>()
            .Configure(configure)
            .Validate(o =>
            {
                o.Validate();
                return true;
            })
            .ValidateOnStart();
        services.AddSingleton<ClientConnection>();
        services.AddHostedService(sp => sp.GetRequiredService<ClientConnection>());
        services.AddSingleton<IRelationGraphClient>(sp => sp.GetRequiredService<ClientConnection>().Client);
        return services;
    }

    private sealed class ClientConnection(IOptions<RelationGraphClientOptions> options, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
    {
        private RelationGraphClient? _client;

        public IRelationGraphClient Client => _client ?? throw new InvalidOperationException("The RelationGraph client connects when the host starts.");

        public async Task StartAsync(CancellationToken cancellationToken) =>
            _client = await RelationGraphClient.ConnectAsync(options.Value, loggerFactory, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => Interlocked.Exchange(ref _client, null)?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
