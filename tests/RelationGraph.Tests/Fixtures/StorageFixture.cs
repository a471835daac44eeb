namespace RelationGraph.Tests.Fixtures;

/// <summary>A storage host on databases of its own, shared by the tests of one class.</summary>
public sealed class StorageFixture(PostgresFixture postgres) : IAsyncLifetime
{
    private long _nextUserId = 1_000;

    public StorageHost Storage { get; private set; } = null!;

    public PostgresFixture Postgres => postgres;

    /// <summary>The meta database, migrated.</summary>
    public string MetaConnectionString { get; } = postgres.NewDatabase("storage");

    /// <summary>A user id no other test of the class uses.</summary>
    public Abstractions.UserId NewUser() => new(Interlocked.Increment(ref _nextUserId));

    public async ValueTask InitializeAsync() => Storage = await StorageHost.StartAsync(MetaConnectionString);

    public ValueTask DisposeAsync() => Storage.DisposeAsync();
}
