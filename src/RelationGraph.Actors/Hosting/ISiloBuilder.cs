using Microsoft.Extensions.DependencyInjection;

namespace RelationGraph.Actors.Hosting;

/// <summary>Configures the silo: its grains, options and providers.</summary>
public interface ISiloBuilder
{
    /// <summary>The host's services.</summary>
    IServiceCollection Services { get; }
}
