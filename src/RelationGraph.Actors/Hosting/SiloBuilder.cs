using Microsoft.Extensions.DependencyInjection;

namespace RelationGraph.Actors.Hosting;

internal sealed class SiloBuilder(IServiceCollection services) : ISiloBuilder
{
    public IServiceCollection Services { get; } = services;
}
