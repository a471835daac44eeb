using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using RelationGraph.Grains;
using RelationGraph.Silo.Hosting;

namespace RelationGraph.Benchmarks;

/// <summary>
/// The released silo (<c>RelationGraph.Silo.dll</c>) run as a child process, configured through <c>RelationGraph__</c>
/// environment variables, so its memory can be read alone from <c>/proc</c>. Disposing stops it (SIGTERM, then SIGKILL);
/// every child still running is also killed when the benchmark process exits or is signalled twice.
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private const int OutputLinesKept = 40;
    private static readonly ConcurrentDictionary<int, Process> Running = new();
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly HttpClient _http;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    static SiloProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => KillAll();
    }

    private SiloProcess(Process process, Uri http, ServiceEndpoint endpoint)
    {
        _process = process;
        _http = new HttpClient { BaseAddress = http, Timeout = TimeSpan.FromSeconds(10) };
        Endpoint = endpoint;
    }

    public int ProcessId => _process.Id;

    /// <summary>Its gateway, cluster id and cluster certificate, for the client SDK.</summary>
    public ServiceEndpoint Endpoint { get; }

    /// <summary>The redundancy mode it runs: <c>RelationGraph__Redundancy</c> from the environment it inherits, else the default.</summary>
    public static string Redundancy =>
        Environment.GetEnvironmentVariable("RelationGraph__Redundancy") is { Length: > 0 } configured ? configured : new RedundancyOptions().Redundancy.ToString();

    /// <summary>
    /// Starts the silo of the same build configuration as this benchmark, as a member of a cluster of its own on the meta
    /// database, with its data directory (and so its development cluster certificate) in <paramref name="dataDirectory"/>,
    /// and waits until the host says it started and its <c>/health</c> answers 200.
    /// </summary>
    public static async Task<SiloProcess> StartAsync(string metaConnectionString, string dataDirectory, CancellationToken cancellationToken)
    {
        var assembly = LocateSiloAssembly();
        var ports = LoopbackPorts.Take(3);
        var (siloPort, gatewayPort, httpPort) = (ports[0], ports[1], ports[2]);
        // Created here first, so the silo loads the very certificate the client pins.
        var certificate = ServiceEndpoint.TlsConfigured ? DevelopmentClusterCertificate.LoadOrCreate(dataDirectory) : null;
        var endpoint = new ServiceEndpoint(string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{gatewayPort}"), ServiceEndpoint.NewClusterId("process"), certificate);
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        start.Environment["RelationGraph__ConnectionString"] = metaConnectionString;
        start.Environment["RelationGraph__DataDirectory"] = Path.GetFullPath(dataDirectory);
        start.Environment["RelationGraph__ClusterCertificatePath"] = Path.GetFullPath(Path.Combine(dataDirectory, DevelopmentClusterCertificate.FileName));
        start.Environment["RelationGraph__Shards"] = "4";
        start.Environment["RelationGraph__ClusterId"] = endpoint.ClusterId;
        start.Environment["RelationGraph__ServiceId"] = ServiceEndpoint.ServiceId;
        start.Environment["RelationGraph__AdvertisedIPAddress"] = "127.0.0.1";
        start.Environment["RelationGraph__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["RelationGraph__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["Urls"] = $"http://127.0.0.1:{httpPort}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information"; // "Application started." says it serves.

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            certificate?.Dispose();
            throw;
        }

        Running[process.Id] = process;
        var silo = new SiloProcess(process, new Uri($"http://127.0.0.1:{httpPort}"), endpoint);
        process.OutputDataReceived += (_, line) => silo.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => silo.Keep(line.Data);
        process.Exited += (_, _) => silo._started.TrySetException(
            new InvalidOperationException($"The silo process exited with code {process.ExitCode} while starting:\n{string.Join('\n', silo._output)}"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await silo.WaitUntilHealthyAsync(cancellationToken);
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
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

    /// <summary>The silo process's resident memory from <c>/proc/PID/status</c>.</summary>
    public SiloMemory ReadMemory() => SiloMemory.Read(_process.Id.ToString(CultureInfo.InvariantCulture));

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // A graceful stop lets the silo leave the membership table and close its connections.
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
            _http.Dispose();
            Endpoint.Certificate?.Dispose();
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

    /// <summary>Waits for the host's "Application started." (storage is up by then), then checks that <c>/health</c> agrees.</summary>
    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _started.Task.WaitAsync(StartTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The silo process did not start within {StartTimeout.TotalSeconds:0} s:\n{string.Join('\n', _output)}");
        }

        using var response = await _http.GetAsync(new Uri("/health", UriKind.Relative), cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The silo started but /health answered {(int)response.StatusCode}:\n{string.Join('\n', _output)}");
        }
    }

    /// <summary>The silo built next to this benchmark: <c>silo/RelationGraph.Silo/bin/CONFIGURATION/FRAMEWORK/</c> up the tree from our output folder.</summary>
    private static string LocateSiloAssembly()
    {
        var output = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var (framework, configuration) = (output.Name, output.Parent?.Name ?? "Release");
        for (var directory = output; directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "silo", "RelationGraph.Silo", "bin", configuration, framework, "RelationGraph.Silo.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(
            $"No silo/RelationGraph.Silo/bin/{configuration}/{framework}/RelationGraph.Silo.dll above {output.FullName}; " +
            $"building this benchmark project (dotnet build -c {configuration} tests/RelationGraph.Benchmarks) builds it.");
    }

    /// <summary>The <c>dotnet</c> host running us, unless we were started through the apphost.</summary>
    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    [DllImport("libc", EntryPoint = "kill")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}

/// <summary>Resident memory of a process, in bytes.</summary>
/// <param name="Rss">VmRSS: resident now.</param>
/// <param name="PeakRss">VmHWM: the most ever resident.</param>
/// <param name="AnonymousRss">RssAnon: resident heap and stacks, without mapped files such as the loaded assemblies.</param>
internal sealed record SiloMemory(long Rss, long PeakRss, long AnonymousRss)
{
    /// <summary>Reads <c>/proc/<paramref name="process"/>/status</c>: a process id, or <c>self</c>.</summary>
    public static SiloMemory Read(string process)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines($"/proc/{process}/status"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.EndsWith(" kB", StringComparison.Ordinal))
            {
                values[line[..colon]] = long.Parse(line[(colon + 1)..^3].Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        return new SiloMemory(values["VmRSS"], values["VmHWM"], values["RssAnon"]);
    }
}
