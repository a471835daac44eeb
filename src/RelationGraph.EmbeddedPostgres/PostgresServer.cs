using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace RelationGraph.EmbeddedPostgres;

/// <summary>
/// A private PostgreSQL server started from the machine's binaries: <c>initdb</c> on first use, then
/// <c>pg_ctl start</c> on a free port listening on 127.0.0.1 only. A server still running in the data directory
/// (say after a crash of its owner) is reused. Trust authentication: for development and tests only.
/// </summary>
public sealed partial class PostgresServer : IAsyncDisposable
{
    private const string Superuser = "postgres";
    private readonly PostgresServerOptions _options;
    private readonly ProcessRunner _runner = new();
    private readonly ILogger _logger;
    private readonly string _binDirectory;
    private int _stopped;
    private bool _attached;

    private PostgresServer(PostgresServerOptions options, string binDirectory, ILogger logger)
    {
        _options = options;
        _binDirectory = binDirectory;
        _logger = logger;
        ClusterDirectory = Path.Combine(Path.GetFullPath(options.DataDirectory), "pgdata");
        LogFile = Path.Combine(Path.GetFullPath(options.DataDirectory), "postgres.log");
    }

    /// <summary>The PostgreSQL cluster directory.</summary>
    public string ClusterDirectory { get; }

    /// <summary>The server's log file.</summary>
    public string LogFile { get; }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>A connection string for the superuser on the <c>postgres</c> database.</summary>
    public string ConnectionString => GetConnectionString("postgres");

    /// <summary>Initializes (when needed) and starts a server, or attaches to the one already running in <see cref="PostgresServerOptions.DataDirectory"/>.</summary>
    public static async Task<PostgresServer> StartAsync(PostgresServerOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var server = new PostgresServer(options, FindBinDirectory(options.BinDirectory), logger ?? NullLogger.Instance);
        await server.StartCoreAsync(cancellationToken);
        return server;
    }

    /// <summary>A connection string for the superuser on <paramref name="database"/>.</summary>
    public string GetConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = Superuser,
        Database = database,
    }.ConnectionString;

    /// <summary>Creates <paramref name="database"/> unless it exists; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string database, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = database } } };
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        return GetConnectionString(database);
    }

    /// <summary>Stops the server (fast shutdown: running transactions are rolled back, committed data is kept).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        var (exitCode, output) = await _runner.RunAsync(PgCtl, ["stop", "-D", ClusterDirectory, "-m", "fast", "-w", "-t", "60"], cancellationToken);
        if (exitCode != 0)
        {
            LogStopFailed(_logger, ClusterDirectory, output);
        }
        else
        {
            LogStopped(_logger, ClusterDirectory);
        }
    }

    /// <summary>Starts a stopped server again, on the same port when it is still free.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync(cancellationToken);
        Interlocked.Exchange(ref _stopped, 0);
        _attached = false;
        await StartCoreAsync(cancellationToken);
    }

    /// <summary>Stops the server, unless this instance only attached to one another process started.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_attached)
        {
            await StopAsync();
        }
    }

    private string PgCtl => Path.Combine(_binDirectory, "pg_ctl");

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_options.DataDirectory);
        if (!File.Exists(Path.Combine(ClusterDirectory, "PG_VERSION")))
        {
            await InitializeAsync(cancellationToken);
        }

        if (await TryAttachAsync(cancellationToken))
        {
            LogAttached(_logger, ClusterDirectory, Port);
            return;
        }

        if (Port == 0)
        {
            Port = GetFreePort();
        }

        var serverOptions = string.Join(' ', GetSettings().Select(s => $"-c {s.Key}={s.Value}"));
        var (exitCode, output) = await _runner.RunAsync(
            PgCtl, ["start", "-D", ClusterDirectory, "-l", LogFile, "-w", "-t", "60", "-o", $"-p {Port} {serverOptions}"], cancellationToken);
        if (exitCode != 0)
        {
            var log = File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(20)) : "(no log)";
            throw new InvalidOperationException($"PostgreSQL did not start in {ClusterDirectory} on port {Port}: {output}\n{log}");
        }

        LogStarted(_logger, ClusterDirectory, Port);
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _runner.GrantAsync(_options.DataDirectory, cancellationToken);
        LogInitializing(_logger, ClusterDirectory);
        await _runner.RunCheckedAsync(
            Path.Combine(_binDirectory, "initdb"),
            ["-D", ClusterDirectory, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-instructions", .. _options.Ephemeral ? ["--no-sync"] : Array.Empty<string>()],
            cancellationToken);
    }

    /// <summary>Reuses a server already running in the cluster directory; its port is on line 4 of postmaster.pid.</summary>
    private async Task<bool> TryAttachAsync(CancellationToken cancellationToken)
    {
        var (exitCode, _) = await _runner.RunAsync(PgCtl, ["status", "-D", ClusterDirectory], cancellationToken);
        if (exitCode != 0)
        {
            return false;
        }

        var pidFile = File.ReadAllLines(Path.Combine(ClusterDirectory, "postmaster.pid"));
        Port = int.Parse(pidFile[3], CultureInfo.InvariantCulture);
        _attached = true;
        return true;
    }

    private Dictionary<string, string> GetSettings()
    {
        var settings = new Dictionary<string, string>
        {
            ["listen_addresses"] = "127.0.0.1",
            ["unix_socket_directories"] = "''",
            ["max_connections"] = "300",
            ["wal_level"] = "logical",
            ["max_replication_slots"] = "64",
            ["max_wal_senders"] = "64",
        };
        if (_options.Ephemeral)
        {
            settings["fsync"] = "off";
            settings["synchronous_commit"] = "off";
            settings["full_page_writes"] = "off";
        }

        foreach (var (name, value) in _options.Settings)
        {
            settings[name] = value;
        }

        return settings;
    }

    private static int GetFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindBinDirectory(string? configured)
    {
        static bool HasServer(string? directory) =>
            directory is not null && File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));

        if (configured is not null)
        {
            return HasServer(configured) ? configured : throw new PostgresNotFoundException($"No initdb and pg_ctl in the configured PostgreSQL bin directory '{configured}'.");
        }

        var candidates = new List<string?> { PgConfigBinDirectory() };
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var version) ? version : 0)
                .Select(d => Path.Combine(d, "bin")));
        }

        return candidates.FirstOrDefault(HasServer) ?? throw new PostgresNotFoundException();
    }

    private static string? PgConfigBinDirectory()
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("pg_config", "--bindir") { RedirectStandardOutput = true });
            var output = process?.StandardOutput.ReadToEnd().Trim();
            process?.WaitForExit();
            return process?.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
