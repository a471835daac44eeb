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
/// (say after a crash of its owner) is reused. The <c>postgres</c> role has a generated password, kept in
/// <see cref="PasswordFileName"/> in the data directory (readable by its owner only), and every connection must give it
/// (scram-sha-256); a data directory initialized without one gets one on its next start. For development and tests.
/// </summary>
public sealed partial class PostgresServer : IAsyncDisposable
{
    /// <summary>The password file's name inside the data directory. Scripts rely on it.</summary>
    public const string PasswordFileName = "postgres.password";

    private const string Superuser = "postgres";
    private const string PasswordMethod = "scram-sha-256";
    private readonly PostgresServerOptions _options;
    private readonly ProcessRunner _runner = new();
    private readonly ILogger _logger;
    private readonly string _binDirectory;
    private int _stopped;
    private bool _attached;
    private string? _password;

    private PostgresServer(PostgresServerOptions options, string binDirectory, ILogger logger)
    {
        _options = options;
        _binDirectory = binDirectory;
        _logger = logger;
        ClusterDirectory = Path.Combine(Path.GetFullPath(options.DataDirectory), "pgdata");
        LogFile = Path.Combine(Path.GetFullPath(options.DataDirectory), "postgres.log");
        PasswordFile = Path.Combine(Path.GetFullPath(options.DataDirectory), PasswordFileName);
    }

    /// <summary>The file holding the <c>postgres</c> role's password.</summary>
    public string PasswordFile { get; }

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
        Password = _password,
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

    /// <summary>Whether the server's postmaster is alive (it is not when it crashed or was killed).</summary>
    public async Task<bool> IsRunningAsync(CancellationToken cancellationToken = default)
    {
        var pidFile = Path.Combine(ClusterDirectory, "postmaster.pid");
        if (OperatingSystem.IsLinux())
        {
            // Reading /proc costs nothing, where pg_ctl status would start a process on every check.
            string[] lines;
            try
            {
                lines = await File.ReadAllLinesAsync(pidFile, cancellationToken);
            }
            catch (FileNotFoundException)
            {
                return false;
            }

            if (lines.Length == 0 || !int.TryParse(lines[0], CultureInfo.InvariantCulture, out var pid))
            {
                return false;
            }

            var stat = $"/proc/{pid}/stat";
            var state = File.Exists(stat) ? (await File.ReadAllTextAsync(stat, cancellationToken)) : "";
            var afterName = state.LastIndexOf(')');
            return afterName > 0 && afterName + 2 < state.Length && state[afterName + 2] is not ('Z' or 'X');
        }

        return (await _runner.RunAsync(PgCtl, ["status", "-D", ClusterDirectory], cancellationToken)).ExitCode == 0;
    }

    /// <summary>Starts the server again, on its port, when its postmaster is gone; true when it did. For a supervisor.</summary>
    public async Task<bool> EnsureRunningAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _stopped) == 1 || await IsRunningAsync(cancellationToken))
        {
            return false;
        }

        _attached = false;

        // Not pg_ctl status: a killed postmaster nobody has reaped yet still counts as running there.
        await StartCoreAsync(cancellationToken, mayAttach: false);
        return true;
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

    private async Task StartCoreAsync(CancellationToken cancellationToken, bool mayAttach = true)
    {
        Directory.CreateDirectory(_options.DataDirectory);
        if (!File.Exists(Path.Combine(ClusterDirectory, "PG_VERSION")))
        {
            await InitializeAsync(cancellationToken);
        }

        _password = ReadPassword();
        if (mayAttach && await TryAttachAsync(cancellationToken))
        {
            LogAttached(_logger, ClusterDirectory, Port);
            await RequirePasswordAsync(cancellationToken);
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
        await RequirePasswordAsync(cancellationToken);
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _runner.GrantAsync(_options.DataDirectory, cancellationToken);
        LogInitializing(_logger, ClusterDirectory);
        var password = ReadPassword() ?? WritePassword();

        // initdb reads the password from a file; when it runs as the service user, that user must be able to read it.
        var passwordInput = Path.Combine(Path.GetFullPath(_options.DataDirectory), $"initdb.{Guid.NewGuid():N}.pw");
        try
        {
            WriteOwnerOnly(passwordInput, password);
            await _runner.GrantAsync(passwordInput, cancellationToken);
            await _runner.RunCheckedAsync(
                Path.Combine(_binDirectory, "initdb"),
                ["-D", ClusterDirectory, "-U", Superuser, $"--auth={PasswordMethod}", $"--pwfile={passwordInput}", "--encoding=UTF8", "--locale=C", "--no-instructions",
                    .. _options.Ephemeral ? ["--no-sync"] : Array.Empty<string>()],
                cancellationToken);
        }
        finally
        {
            File.Delete(passwordInput);
        }
    }

    /// <summary>
    /// Servers initialized before passwords (trust authentication) get one: the role's password is set from the password
    /// file (generated when missing) while trust still lets us in, then pg_hba.conf asks for it and is reloaded.
    /// </summary>
    private async Task RequirePasswordAsync(CancellationToken cancellationToken)
    {
        var hbaFile = Path.Combine(ClusterDirectory, "pg_hba.conf");
        var hba = await File.ReadAllLinesAsync(hbaFile, cancellationToken);
        if (!hba.Any(IsTrustLine))
        {
            return;
        }

        _password ??= WritePassword();
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(GetConnectionString("postgres")) { Password = null, Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);

            // ALTER ROLE takes no parameters; the password is hex digits only, so it cannot break out of the literal.
            await using var alter = new NpgsqlCommand($"SET LOCAL log_statement = 'none'; ALTER ROLE {Superuser} PASSWORD '{_password}'", connection);
            await alter.ExecuteNonQueryAsync(cancellationToken);
            await File.WriteAllLinesAsync(hbaFile, hba.Select(line => IsTrustLine(line) ? TrustPattern().Replace(line, PasswordMethod) : line), cancellationToken);
            await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection);
            await reload.ExecuteNonQueryAsync(cancellationToken);
        }

        LogPasswordSet(_logger, ClusterDirectory, PasswordFile);
    }

    private static bool IsTrustLine(string line) => !line.TrimStart().StartsWith('#') && TrustPattern().IsMatch(line);

    [System.Text.RegularExpressions.GeneratedRegex(@"\btrust\b")]
    private static partial System.Text.RegularExpressions.Regex TrustPattern();

    private string? ReadPassword() =>
        File.Exists(PasswordFile) && File.ReadAllText(PasswordFile).Trim() is { Length: > 0 } password ? password : null;

    private string WritePassword()
    {
        var password = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        WriteOwnerOnly(PasswordFile, password + "\n");
        return password;
    }

    private static void WriteOwnerOnly(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var file = new FileStream(path, options);
        file.Write(System.Text.Encoding.UTF8.GetBytes(text));
        file.Flush(flushToDisk: true);
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
