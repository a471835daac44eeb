using System.CommandLine;

namespace RelationGraph.Cli;

/// <summary>The relgraph program, callable in-process: parses the arguments, runs the command and returns the exit code.</summary>
public static class RelgraphApp
{
    /// <summary>Runs relgraph with this process's environment variables and working directory.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        RunAsync(args, stdout, stderr, RelgraphEnvironment.FromProcess(), cancellationToken);

    /// <summary>
    /// Runs relgraph: results go to <paramref name="stdout"/>; errors to <paramref name="stderr"/> as one line starting
    /// with <c>relgraph: </c>. Returns <see cref="ExitCodes.Success"/>, <see cref="ExitCodes.Failure"/>,
    /// <see cref="ExitCodes.Usage"/> for arguments that do not parse, or <see cref="ExitCodes.Cancelled"/>.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, RelgraphEnvironment environment, CancellationToken cancellationToken)
    {
        var parseResult = RelgraphCommand.Create(environment).Parse(args);
        var configuration = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            // Main cancels the token on Ctrl+C; the parser must not install handlers of its own in a host process.
            ProcessTerminationTimeout = null,
        };
        if (parseResult.Errors.Count > 0 && parseResult.Action is System.CommandLine.Invocation.ParseErrorAction)
        {
            var command = parseResult.CommandResult.Command;
            var help = command is RootCommand ? "relgraph --help" : $"relgraph {command.Name} --help";
            // An unknown word also leaves the command incomplete; naming the word is the useful part.
            var problem = parseResult.UnmatchedTokens.Count > 0
                ? $"unknown command or argument '{string.Join(" ", parseResult.UnmatchedTokens)}'."
                : string.Join(" ", parseResult.Errors.Select(e => e.Message));
            await stderr.WriteLineAsync(Failures.Line($"{problem} See '{help}'."));
            return ExitCodes.Usage;
        }

        return await parseResult.InvokeAsync(configuration, cancellationToken);
    }
}
