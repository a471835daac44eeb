using RelationGraph.Abstractions;
using RelationGraph.Testing;

namespace RelationGraph.Tests.Fixtures;

/// <summary>
/// The real silo host as a process of its own on databases of its own, shared by the tests of one class. What a test
/// reads process-wide (meters, traces) is then that silo's alone, whatever else the test run hosts in memory.
/// </summary>
public class SiloProcessFixture(PostgresFixture postgres) : IAsyncLifetime
{
    private long _nextUserId = 1_000;

    public SiloProcess Silo { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>A user id no other test of the class uses.</summary>
    public UserId NewUser() => new(Interlocked.Increment(ref _nextUserId));

    /// <summary>Further settings of the silo, on top of a standalone cluster without TLS in Sync mode.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async ValueTask InitializeAsync()
    {
        var meta = postgres.NewDatabase("process");
        var settings = new Dictionary<string, string?> { ["RelationGraph:Redundancy"] = "Sync", ["RelationGraph:UseTls"] = "false" };
        foreach (var (key, value) in TestApiKeys.Settings().Concat(Settings))
        {
            settings[key] = value;
        }

        var cluster = $"process-{Guid.NewGuid():N}";
        Silo = await SiloProcess.StartAsync(meta, cluster, cluster, settings, cancellationToken: TestContext.Current.CancellationToken);
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Silo.HttpPort}") };
        Client.DefaultRequestHeaders.Authorization = TestApiKeys.Bearer(TestApiKeys.Admin);
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
