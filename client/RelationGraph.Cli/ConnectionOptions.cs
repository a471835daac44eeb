using System.CommandLine;
using System.Globalization;
using RelationGraph.Client;

namespace RelationGraph.Cli;

/// <summary>
/// The global options saying how to reach the cluster, usable before or after the subcommand, and how they,
/// the environment and the development cluster certificate become <see cref="RelationGraphClientOptions"/>.
/// </summary>
internal sealed class ConnectionOptions
{
    /// <summary>Where <c>dotnet run --project silo/RelationGraph.Silo</c> keeps the development cluster certificate, relative to the working directory.</summary>
    public static readonly IReadOnlyList<string> DefaultCertificateFiles =
    [
        Path.Combine(".relationgraph", "cluster.pfx"),
        Path.Combine("silo", "RelationGraph.Silo", ".relationgraph", "cluster.pfx"),
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

    public Option<string> Certificate { get; } = new("--certificate")
    {
        Description = $"The cluster certificate, a PKCS#12 file (.pfx) with its private key; its password, if any, in ${RelgraphEnvironment.CertificatePasswordVariable}. "
            + $"Default: ${RelgraphEnvironment.CertificateVariable}, else .relationgraph/cluster.pfx, else silo/RelationGraph.Silo/.relationgraph/cluster.pfx "
            + "(the development silo's).",
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

    public IEnumerable<Option> All => [Gateway, Membership, ClusterId, Certificate, Json, Timeout];

    /// <summary>The client options for this invocation; throws <see cref="RelgraphException"/> or <see cref="ArgumentException"/> when they are unusable.</summary>
    public RelationGraphClientOptions Resolve(ParseResult parseResult)
    {
        var timeout = ResolveTimeout(parseResult);
        var options = new RelationGraphClientOptions
        {
            ClusterId = parseResult.GetValue(ClusterId) ?? _environment.Variable(RelgraphEnvironment.ClusterIdVariable) ?? DefaultClusterId,
            ClusterCertificatePath = ResolveCertificate(parseResult),
            ClusterCertificatePassword = _environment.GetVariable(RelgraphEnvironment.CertificatePasswordVariable) is { Length: > 0 } password ? password : null,
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
            foreach (var gateway in ResolveGateways(gateways))
            {
                options.Gateways.Add(gateway);
            }
        }

        options.Validate();
        return options;
    }

    /// <summary>Where the cluster is, for messages: the gateways, or the membership table.</summary>
    public static string DescribeTarget(RelationGraphClientOptions options) =>
        options.Gateways.Count > 0
            ? $"gateway{(options.Gateways.Count > 1 ? "s" : string.Empty)} {string.Join(", ", options.Gateways)}"
            : "the gateways listed in the membership table";

    private IEnumerable<string> ResolveGateways(string[] given)
    {
        var list = given.Length > 0 ? given : [_environment.Variable(RelgraphEnvironment.GatewayVariable) ?? DefaultGateway];
        foreach (var gateway in list.SelectMany(g => g.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            _ = GatewayEndPoint.Parse(gateway);
            yield return gateway;
        }
    }

    /// <summary>--certificate, else $RELGRAPH_CERTIFICATE, else the first development certificate file found; relative paths from the working directory.</summary>
    private string ResolveCertificate(ParseResult parseResult)
    {
        // What the command line says explicitly wins over the environment.
        var given = parseResult.GetValue(Certificate) is { Length: > 0 } option
            ? (Source: "--certificate", Path: option)
            : _environment.Variable(RelgraphEnvironment.CertificateVariable) is { } variable
                ? (Source: RelgraphEnvironment.CertificateVariable, Path: variable)
                : default;
        if (given.Path is not null)
        {
            var path = Path.GetFullPath(given.Path, _environment.CurrentDirectory);
            return File.Exists(path) ? path : throw new RelgraphException($"no cluster certificate at {path} (from {given.Source}).");
        }

        foreach (var candidate in DefaultCertificateFiles.Select(f => Path.Combine(_environment.CurrentDirectory, f)))
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new RelgraphException(
            $"no cluster certificate: pass --certificate or set {RelgraphEnvironment.CertificateVariable} "
            + $"(no {DefaultCertificateFiles[0]} or {DefaultCertificateFiles[1]} here).");
    }

    private TimeSpan ResolveTimeout(ParseResult parseResult)
    {
        var seconds = parseResult.GetValue(Timeout);
        return seconds is > 0 and <= 86_400
            ? TimeSpan.FromSeconds(seconds)
            : throw new RelgraphException($"--timeout must be a number of seconds above 0 and at most 86400, not {seconds.ToString(CultureInfo.InvariantCulture)}.");
    }
}
