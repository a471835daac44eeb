using RelationGraph.Abstractions;

namespace RelationGraph.Tests.Fixtures;

/// <summary>A silo on databases of its own, shared by the tests of one class; tests keep apart by using fresh user ids.</summary>
public class SiloFixture(PostgresFixture postgres) : IAsyncLifetime
{
    private long _nextUserId = 1_000;

    public SiloFactory Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>A user id no other test of the class uses.</summary>
    public UserId NewUser() => new(Interlocked.Increment(ref _nextUserId));

    /// <summary>Configuration keys of this fixture's silo, over the test defaults.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    public ValueTask InitializeAsync()
    {
        Factory = new SiloFactory(postgres.NewDatabase("silo"), Settings);
        Client = Factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
