using System.Diagnostics;

namespace RelationGraph.EmbeddedPostgres;

/// <summary>Runs PostgreSQL's command-line tools, as the <c>postgres</c> user when this process is root (the server refuses root).</summary>
internal sealed class ProcessRunner
{
    private const string ServiceUser = "postgres";

    public bool RunsAsServiceUser { get; } = Environment.IsPrivilegedProcess;

    public async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments, CancellationToken cancellationToken, bool asServiceUser = true)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asServiceUser && RunsAsServiceUser)
        {
            start.FileName = "runuser";
            foreach (var argument in new[] { "-u", ServiceUser, "--", file })
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = file;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }

    public async Task<string> RunCheckedAsync(string file, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunAsync(file, arguments, cancellationToken);
        return exitCode == 0
            ? output
            : throw new InvalidOperationException($"{Path.GetFileName(file)} failed with exit code {exitCode}: {output}");
    }

    /// <summary>Gives the service user the directory, so the server can write there.</summary>
    public async Task GrantAsync(string directory, CancellationToken cancellationToken)
    {
        if (RunsAsServiceUser)
        {
            var (exitCode, output) = await RunAsync("chown", ["-R", $"{ServiceUser}:", directory], cancellationToken, asServiceUser: false);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"Running PostgreSQL as root is refused and the '{ServiceUser}' user cannot own {directory}: {output}");
            }
        }
    }
}
