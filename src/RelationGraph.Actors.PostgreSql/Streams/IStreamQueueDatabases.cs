using Npgsql;

namespace RelationGraph.Actors.PostgreSql.Streams;

/// <summary>The databases holding stream queues; the host supplies them (they are where producers write).</summary>
public interface IStreamQueueDatabases
{
    /// <summary>Every queue database by a stable name; empty until the host's storage has started.</summary>
    IReadOnlyList<(string Name, NpgsqlDataSource DataSource)> Databases { get; }
}
