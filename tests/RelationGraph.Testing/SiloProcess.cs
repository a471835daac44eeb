using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Orleans.TestingHost;

namespace RelationGraph.Testing;

/// <summary>
/// The real silo host (<c>RelationGraph.Silo.dll</c>, built beside the tests) run as a child process, so that a test can
/// crash a silo for real: <see cref="Kill"/> sends SIGKILL, and nothing of the silo gets to say goodbye. It joins whichever
/// cluster its settings name (a <see cref="TestCluster"/>'s, say) on 127.0.0.1, on ports of its own.
/// </summary>
/// <remarks>
/// Configuration goes on its command line (<c>--RelationGraph:ClusterId=...</c>). Start-up is over when the host prints
/// "Application started." (its Orleans silo is then active), not after a sleep. Disposing stops it gracefully (SIGTERM,
/// then SIGKILL after 15 s); children still running when the test process exits are killed.
/// </remarks>
public sealed class SiloProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private const int OutputLinesKept = 200;
    private static readonly ConcurrentDictionary<int, Process> Running = new();
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly TestClusterPortAllocator _ports;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    static SiloProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => KillAll();
    }

    private SiloProcess(Process process, TestClusterPortAllocator ports, int siloPort, int gatewayPort, int httpPort)
    {
        _process = process;
        _ports = ports;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HttpPort = httpPort;
    }

    /// <summary>The child's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The silo-to-silo port on 127.0.0.1 (the port of its Orleans <c>SiloAddress</c>).</summary>
    public int SiloPort { get; }

    /// <summary>The gateway port on 127.0.0.1, for clients.</summary>
    public int GatewayPort { get; }

    /// <summary>The HTTP port of its REST API, health check and dashboard.</summary>
    public int HttpPort { get; }

    /// <summary>The gateway as <c>ip:port</c>, for <c>RelationGraphClientOptions.Gateways</c>.</summary>
    public string Gateway => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{GatewayPort}");

    /// <summary>The silo-to-silo endpoint, which with a generation makes its Orleans silo address.</summary>
    public IPEndPoint SiloEndPoint => new(IPAddress.Loopback, SiloPort);

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The last lines it wrote (standard output and error), for failure messages.</summary>
    public string RecentOutput => string.Join('\n', _output);

    /// <summary>
    /// Starts a silo on the meta database <paramref name="metaConnectionString"/> as a member of cluster
    /// <paramref name="clusterId"/> of service <paramref name="serviceId"/>, and waits until it has started.
    /// <paramref name="settings"/> are further configuration keys (<c>RelationGraph:Redundancy</c>, ...);
    /// <paramref name="environment"/>, variables for the runtime (say <c>DOTNET_GCHeapHardLimit</c>).
    /// </summary>
    /// <exception cref="TimeoutException">It did not start within 90 s; the message has its last output.</exception>
    /// <exception cref="InvalidOperationException">It exited while starting; the message has its last output.</exception>
    public static async Task<SiloProcess> StartAsync(
        string metaConnectionString, string clusterId, string serviceId, IReadOnlyDictionary<string, string?>? settings = null,
        IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        var assembly = LocateSiloAssembly();
        var ports = new TestClusterPortAllocator();
        // Two consecutive silo ports and one gateway port, all free and reserved against other test clusters of this run.
        var (siloPort, gatewayPort) = ports.AllocateConsecutivePortPairs(2);
        var httpPort = siloPort + 1;

        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        var arguments = new Dictionary<string, string?>
        {
            ["RelationGraph:ConnectionString"] = metaConnectionString,
            ["RelationGraph:ClusterId"] = clusterId,
            ["RelationGraph:ServiceId"] = serviceId,
            ["RelationGraph:SiloName"] = string.Create(CultureInfo.InvariantCulture, $"process-{siloPort}"),
            ["RelationGraph:AdvertisedIPAddress"] = IPAddress.Loopback.ToString(),
            ["RelationGraph:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["RelationGraph:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["urls"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{httpPort}"),
            [RelationGraphTestClusterBuilderExtensions.RateLimitsEnabled] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            // "Application started." says it serves.
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            arguments[key] = value;
        }

        foreach (var (key, value) in arguments)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            ports.Dispose();
            throw;
        }

        Running[process.Id] = process;
        var silo = new SiloProcess(process, ports, siloPort, gatewayPort, httpPort);
        process.OutputDataReceived += (_, line) => silo.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => silo.Keep(line.Data);
        process.Exited += (_, _) => silo._started.TrySetException(
            new InvalidOperationException($"The silo process exited with code {process.ExitCode} while starting:\n{silo.RecentOutput}"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await silo._started.Task.WaitAsync(StartTimeout, cancellationToken);
            return silo;
        }
        catch (TimeoutException)
        {
            await silo.DisposeAsync();
            throw new TimeoutException($"The silo process did not start within {StartTimeout.TotalSeconds:0} s:\n{silo.RecentOutput}");
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>Crashes the silo: SIGKILL, then waits for the process to be gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        await _process.WaitForExitAsync(CancellationToken.None);
    }

    /// <summary>Stops the silo gracefully (SIGTERM; SIGKILL after 15 s) and releases its ports.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _ = Kill(_process.Id, SigTerm);
                using var timeout = new CancellationTokenSource(StopTimeout);
                try
                {
                    await _process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync(CancellationToken.None);
                }
            }
        }
        finally
        {
            Running.TryRemove(_process.Id, out _);
            _process.Dispose();
            _ports.Dispose();
        }
    }

    /// <summary>Kills every silo child still running; for exit paths that cannot await a graceful stop.</summary>
    public static void KillAll()
    {
        foreach (var (id, process) in Running)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }

            Running.TryRemove(id, out _);
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.Contains("Application started.", StringComparison.Ordinal))
        {
            _started.TrySetResult();
        }

        _output.Enqueue(line);
        while (_output.Count > OutputLinesKept)
        {
            _output.TryDequeue(out _);
        }
    }

    /// <summary>
    /// The silo built with these tests: <c>silo/RelationGraph.Silo/bin/CONFIGURATION/FRAMEWORK/RelationGraph.Silo.dll</c>
    /// up the tree from the test output folder (the test project references the silo, so building the tests builds it).
    /// </summary>
    private static string LocateSiloAssembly()
    {
        var output = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var (framework, configuration) = (output.Name, output.Parent?.Name ?? "Debug");
        for (var directory = output; directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "silo", "RelationGraph.Silo", "bin", configuration, framework, "RelationGraph.Silo.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(
            $"No silo/RelationGraph.Silo/bin/{configuration}/{framework}/RelationGraph.Silo.dll above {output.FullName}; building the test project builds it.");
    }

    /// <summary>The <c>dotnet</c> host: the one the SDK ran us with, else the one on the path.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
        : "dotnet";

    [DllImport("libc", EntryPoint = "kill")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
