using System.Data.Common;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.RegularExpressions;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Microsoft.AspNetCore.Connections;
using RelationGraph.Abstractions;
using RelationGraph.Abstractions.Deletion;
using RelationGraph.Client;

namespace RelationGraph.Cli;

/// <summary>relgraph's exit codes.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>Invalid input, an unreachable or refusing cluster, an unavailable shard, back-pressure, a timeout.</summary>
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

    /// <summary>
    /// Why connecting to the cluster described by <paramref name="options"/> failed, as a <see cref="RelgraphException"/>
    /// naming where it looked and what to check, or null when <paramref name="exception"/> is not a connection failure
    /// (it is then reported as it is).
    /// </summary>
    public static RelgraphException? DescribeConnectFailure(Exception exception, RelationGraphClientOptions options)
    {
        var target = ConnectionOptions.DescribeTarget(options);
        var chain = Chain(exception).ToList();
        if (chain.OfType<AuthenticationException>().FirstOrDefault() is { } tls)
        {
            return new RelgraphException($"{tls.Message.TrimEnd('.')} (check --certificate).", exception);
        }

        if (chain.Any(e => e is InvalidOperationException && e.Message.Contains("cluster id", StringComparison.OrdinalIgnoreCase)))
        {
            return new RelgraphException($"{target} belongs to another cluster (check --cluster-id): {Detail(exception)}", exception);
        }

        if (!IsUnreachable(exception))
        {
            return null;
        }

        // The gateway accepted the connection, then closed it before the Orleans handshake finished: it refused the
        // cluster id (Orleans does not tell the client why) or does not speak the same protocol. Depending on when the
        // close is seen, the connection is aborted, reset, or Orleans' preamble read finds it "terminated prematurely".
        var hint = chain.Any(e => e is ConnectionAbortedException or ConnectionResetException
                || e is SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted }
                || (e is InvalidOperationException && e.Message.Contains("terminated prematurely", StringComparison.Ordinal)))
            ? $" (the gateway closed the connection during the handshake: check --cluster-id, '{options.ClusterId}' here, and that this is a gateway port)"
            : !string.IsNullOrWhiteSpace(options.MembershipConnectionString) && chain.OfType<SiloUnavailableException>().Any()
                ? $" (no live gateway is listed for cluster '{options.ClusterId}': check --cluster-id and that the silos are up)"
                : string.IsNullOrWhiteSpace(options.MembershipConnectionString) && !chain.Any(e => e is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
                    // Something listens there but no session came of it; Orleans reports a refused cluster id in more
                    // ways than the ones above, depending on timing (CI saw one), so the advice goes with all of them.
                    ? $" (check --cluster-id, '{options.ClusterId}' here, and that this is a gateway port)"
                    : string.Empty;
        return new RelgraphException($"cannot reach the cluster at {target}{hint}: {Detail(exception)}", exception);
    }

    /// <summary>What went wrong, for a person: the SDK's typed errors each get their own wording.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => Describe(aggregate.InnerExceptions[0]),
        RelgraphException relgraph => relgraph.Message,
        ArgumentException argument => WithoutParameterName(argument.Message),
        AuthenticationException tls => $"{tls.Message.TrimEnd('.')} (check --certificate).",
        ShardUnavailableException shard => $"a storage shard is unavailable; try again later: {shard.Message}",
        RateLimitedException limited => limited.Message,
        UserDeletedException deleted => deleted.Message,
        OverloadedException overloaded => $"the cluster is overloaded; try again later: {overloaded.Message}",
        TimeoutException timeout => $"timed out (see --timeout): {WithoutMessageDump().Replace(timeout.Message, ".")}",
        _ when IsUnreachable(exception) => $"cannot reach the cluster: {Detail(exception)}",
        FormatException format => $"invalid edge list: {format.Message}",
        FileNotFoundException missing => $"no such file: {missing.FileName}",
        InvalidOperationException invalid when invalid.Message.Contains("shard map", StringComparison.Ordinal) => invalid.Message,
        DbException database => $"cannot read the database (--membership or --meta): {database.Message}",
        OrleansException orleans => $"the cluster failed the request ({orleans.GetType().Name}): {Detail(orleans)}",
        OperationCanceledException => "the operation was cancelled.",
        _ => $"unexpected error ({exception.GetType().Name}): {exception.Message}",
    };

    /// <summary>The cluster could not be reached: no gateway, a refused or broken connection, an undeliverable message.</summary>
    private static bool IsUnreachable(Exception exception) =>
        exception is SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException or SocketException;

    /// <summary>The messages of an exception and its causes, without repeats or Orleans' "see the inner exception" pointers.</summary>
    private static string Detail(Exception exception)
    {
        var messages = new List<string>();
        foreach (var message in Chain(exception).Select(e => SeeInner().Replace(e.Message, string.Empty).Trim().TrimEnd('.')))
        {
            if (message.Length > 0 && !messages.Any(m => m.Contains(message, StringComparison.Ordinal)))
            {
                messages.Add(message);
            }
        }

        return string.Join(": ", messages) + ".";
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    /// <summary>Drops what <see cref="ArgumentException.Message"/> appends: " (Parameter 'name')" and "Actual value was ...".</summary>
    private static string WithoutParameterName(string message) => ParameterSuffix().Replace(message, string.Empty);

    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)[\s\S]*$")]
    private static partial Regex ParameterSuffix();

    /// <summary>Orleans' timeout message ends with the whole request (" for message: ..."): internals.</summary>
    [GeneratedRegex(@"\s+for message:[\s\S]*$")]
    private static partial Regex WithoutMessageDump();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRun();

    [GeneratedRegex(@"\.?\s*See (the )?inner ?exception( for details)?\.?", RegexOptions.IgnoreCase)]
    private static partial Regex SeeInner();
}
