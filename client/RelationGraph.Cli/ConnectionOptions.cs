using System.CommandLine;
using System.Globalization;
using RelationGraph.Client;

namespace RelationGraph.Cli;

/// <summary>
/// The global options saying how to reach the cluster, usable before or after the subcommand, and how they,
/// the environment and the development secret file become <see cref="RelationGraphClientOptions"/>.
/// </summary>
internal sealed class ConnectionOptions
{
    /// <summary>Where <c>dotnet run --project silo/RelationGraph.Silo</c> keeps the development secret, relative to the working directory.</summary>
    public static readonly IReadOnlyList<string> DefaultSecretFiles =
    [
        Path.Combine(".relationgraph", "cluster.secret"),
        Path.Combine("silo", "RelationGraph.Silo", ".relationgraph", "cluster.secret"),
    ];

    public const string DefaultGateway = "127.0.0.1:30000";

    public const string DefaultClusterId = "dev";

    public const double DefaultTimeoutSeconds = 30;

    private readonly RelgraphEnvironment _environment;

    public ConnectionOptions(RelgraphEnvironment environment) => _environment = environment;

    public Option<string[]> Gateway { get; } = new("--gateway")
    {
        Description = $"A gateway, ip:port; repeat for more. Default: ${RelgraphEnvironment.GatewayVariable} (comma-separated), else {DefaultGateway}.",
        HelpName = "ip:port",
        Recursive = true,
    };

    public Option<string> Membership { get; } = new("--membership")
    {
        Description = "Instead of gateways: the connection string of the meta database whose membership table lists them.",
        HelpName = "connection-string",
        Recursive = true,
    };

    public Option<string> ClusterId { get; } = new("--cluster-id")
    {
        Description = $"The cluster's id. Default: ${RelgraphEnvironment.ClusterIdVariable}, else {DefaultClusterId}.",
        HelpName = "id",
        Recursive = true,
    };

    public Option<string> Secret { get; } = new("--secret")
    {
        Description = $"The cluster secret. Default: ${RelgraphEnvironment.SecretVariable}.",
        Recursive = true,
    };

    public Option<string> SecretFile { get; } = new("--secret-file")
    {
        Description = "Read the cluster secret from this file when --secret is not given; wins over $RELGRAPH_SECRET. Without any of them: .relationgraph/cluster.secret, "
            + "else silo/RelationGraph.Silo/.relationgraph/cluster.secret (the development silo's).",
        HelpName = "path",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write one JSON document (the REST API's shapes) instead of text.",
        Recursive = true,
    };

    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds one attempt of a call may wait for its response.",
        HelpName = "seconds",
        Recursive = true,
        DefaultValueFactory = _ => DefaultTimeoutSeconds,
    };

    public IEnumerable<Option> All => [Gateway, Membership, ClusterId, Secret, SecretFile, Json, Timeout];

    /// <summary>The client options for this invocation; throws <see cref="RelgraphException"/> or <see cref="ArgumentException"/> when they are unusable.</summary>
    public RelationGraphClientOptions Resolve(ParseResult parseResult)
    {
        var timeout = ResolveTimeout(parseResult);
        var options = new RelationGraphClientOptions
        {
            ClusterId = parseResult.GetValue(ClusterId) ?? _environment.Variable(RelgraphEnvironment.ClusterIdVariable) ?? DefaultClusterId,
            ClusterSecret = ResolveSecret(parseResult),
            ResponseTimeout = timeout,
            OpenConnectionTimeout = timeout < TimeSpan.FromSeconds(5) ? timeout : TimeSpan.FromSeconds(5),
        };

        var gateways = parseResult.GetValue(Gateway) ?? [];
        var membership = parseResult.GetValue(Membership);
        if (!string.IsNullOrWhiteSpace(membership))
        {
            if (gateways.Length > 0)
            {
                throw new RelgraphException("give --gateway or --membership, not both.");
            }

            options.MembershipConnectionString = membership;
        }
        else
        {
            var list = gateways.Length > 0 ? gateways : [_environment.Variable(RelgraphEnvironment.GatewayVariable) ?? DefaultGateway];
            foreach (var gateway in list.SelectMany(g => g.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                _ = GatewayEndPoint.Parse(gateway);
                options.Gateways.Add(gateway);
            }
        }

        options.Validate();
        return options;
    }

    /// <summary>--secret, else --secret-file, else $RELGRAPH_SECRET, else the first development secret file found.</summary>
    private string ResolveSecret(ParseResult parseResult)
    {
        if (parseResult.GetValue(Secret) is { Length: > 0 } given)
        {
            return given;
        }

        // What the command line says explicitly wins over the environment.
        if (parseResult.GetValue(SecretFile) is { Length: > 0 } file)
        {
            return ReadSecretFile(Path.Combine(_environment.CurrentDirectory, file));
        }

        if (_environment.Variable(RelgraphEnvironment.SecretVariable) is { } fromEnvironment)
        {
            return fromEnvironment;
        }

        foreach (var candidate in DefaultSecretFiles.Select(f => Path.Combine(_environment.CurrentDirectory, f)))
        {
            if (File.Exists(candidate))
            {
                return ReadSecretFile(candidate);
            }
        }

        throw new RelgraphException(
            $"no cluster secret: pass --secret, set {RelgraphEnvironment.SecretVariable} or pass --secret-file "
            + $"(no {DefaultSecretFiles[0]} or {DefaultSecretFiles[1]} here).");
    }

    private static string ReadSecretFile(string path)
    {
        string secret;
        try
        {
            secret = File.ReadAllText(path).Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new RelgraphException($"cannot read the secret file {path}: {exception.Message}", exception);
        }

        return secret.Length > 0 ? secret : throw new RelgraphException($"the secret file {path} is empty.");
    }

    private TimeSpan ResolveTimeout(ParseResult parseResult)
    {
        var seconds = parseResult.GetValue(Timeout);
        return seconds is > 0 and <= 86_400
            ? TimeSpan.FromSeconds(seconds)
            : throw new RelgraphException($"--timeout must be a number of seconds above 0 and at most 86400, not {seconds.ToString(CultureInfo.InvariantCulture)}.");
    }
}
