using RelationGraph.Abstractions;

namespace RelationGraph.Tests.Fixtures;

/// <summary>A silo on databases of its own, shared by the tests of one class; tests keep apart by using fresh user ids.</summary>
public sealed class SiloFixture(PostgresFixture postgres) : IAsyncLifetime
{
    private long _nextUserId = 1_000;

    public SiloFactory Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>A user id no other test of the class uses.</summary>
    public UserId NewUser() => new(Interlocked.Increment(ref _nextUserId));

    public ValueTask InitializeAsync()
    {
        Factory = new SiloFactory(postgres.NewDatabase("silo"));
        Client = Factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
