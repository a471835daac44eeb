using Microsoft.Extensions.DependencyInjection;
using RelationGraph.Actors.Hosting;
using RelationGraph.Actors.Membership;

namespace RelationGraph.Actors.PostgreSql;

/// <summary>Cluster membership in PostgreSQL.</summary>
public static class PostgresClusteringSiloBuilderExtensions
{
    /// <summary>Makes the silo a cluster member whose membership table lives in PostgreSQL.</summary>
    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder builder, Action<PostgresClusteringOptions> configure)
    {
        builder.Services.AddOptions<PostgresClusteringOptions>().Configure(configure);
        builder.Services.AddSingleton<IMembershipTable, PostgresMembershipTable>();
        return builder.AddClustering();
    }
}
