namespace RelationGraph.Cli;

// relgraph: the RelationGraph command line.
//
//   RelgraphApp.cs          entry point for Main and for tests: parse, run, exit codes
//   RelgraphCommand.cs      the command tree: follow, unfollow, following, fans, counts, relation, silos
//   ConnectionOptions.cs    the global options (--gateway, --certificate, ...) and how they become client options
//   RelgraphEnvironment.cs  environment variables and working directory, replaceable in tests
//   Failures.cs             exit codes and the one-line error message for each kind of failure
//   Output/                 human-readable text and --json output

/// <summary>The entry point: a class in a namespace, not top-level statements, so no global <c>Program</c> clashes with the silo's in tests that reference both.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        return await RelgraphApp.RunAsync(args, Console.Out, Console.Error, cancellation.Token);
    }
}
