using System.Data.Common;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using RelationGraph.Abstractions;
using RelationGraph.Actors;

namespace RelationGraph.Cli;

/// <summary>relgraph's exit codes.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>Invalid input, an unreachable or refusing cluster, an unavailable shard, a timeout.</summary>
    public const int Failure = 1;

    /// <summary>The arguments do not parse: an unknown command or option, a missing argument.</summary>
    public const int Usage = 2;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;
}

/// <summary>A failure relgraph detected itself, with the message to show (for example an invalid user id).</summary>
public sealed class RelgraphException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RelgraphException()
    {
    }

    /// <summary>Creates the exception with the message to show.</summary>
    public RelgraphException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with the message to show and its cause.</summary>
    public RelgraphException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>Turns failures into exit codes and single-line messages: no stack traces, no internals.</summary>
internal static partial class Failures
{
    /// <summary>The message line for <paramref name="message"/>: <c>relgraph: </c> and the message on one line.</summary>
    public static string Line(string message) => "relgraph: " + WhitespaceRun().Replace(message, " ").Trim();

    /// <summary>Runs a command's body, reporting any failure as one line on <paramref name="stderr"/>.</summary>
    public static async Task<int> ReportAsync(TextWriter stderr, Func<Task> body, CancellationToken cancellationToken)
    {
        try
        {
            await body();
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync(Line("cancelled."));
            return ExitCodes.Cancelled;
        }
        catch (Exception exception)
        {
            await stderr.WriteLineAsync(Line(Describe(exception)));
            return ExitCodes.Failure;
        }
    }

    /// <summary>What went wrong, for a person: the SDK's typed errors each get their own wording.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => Describe(aggregate.InnerExceptions[0]),
        RelgraphException relgraph => relgraph.Message,
        ArgumentException argument => WithoutParameterName(argument.Message),
        UnauthorizedAccessException refused => $"{refused.Message.TrimEnd('.')} (check --secret and --cluster-id).",
        SiloUnavailableException unavailable => $"cannot reach the cluster: {unavailable.Message}",
        SocketException socket => $"cannot reach the cluster: {socket.Message}",
        ShardUnavailableException shard => $"a storage shard is unavailable; try again later: {shard.Message}",
        TimeoutException timeout => $"timed out (see --timeout): {timeout.Message}",
        FormatException format => $"invalid edge list: {format.Message}",
        FileNotFoundException missing => $"no such file: {missing.FileName}",
        InvalidOperationException invalid when invalid.Message.Contains("shard map", StringComparison.Ordinal) => invalid.Message,
        DbException database => $"cannot read the database (--membership or --meta): {database.Message}",
        RemoteGrainException remote => $"the cluster failed the request ({remote.RemoteType}): {remote.Message}",
        OperationCanceledException => "the operation was cancelled.",
        _ => $"unexpected error ({exception.GetType().Name}): {exception.Message}",
    };

    /// <summary>Drops what <see cref="ArgumentException.Message"/> appends: " (Parameter 'name')" and "Actual value was ...".</summary>
    private static string WithoutParameterName(string message) => ParameterSuffix().Replace(message, string.Empty);

    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)[\s\S]*$")]
    private static partial Regex ParameterSuffix();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRun();
}
