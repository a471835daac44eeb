namespace RelationGraph.Cli;

/// <summary>What relgraph reads from outside its arguments: environment variables and the working directory.</summary>
/// <param name="GetVariable">Reads an environment variable; null when it is not set.</param>
/// <param name="CurrentDirectory">Where relative paths and the default certificate files are looked up.</param>
public sealed record RelgraphEnvironment(Func<string, string?> GetVariable, string CurrentDirectory)
{
    /// <summary>Gateways, <c>ip:port</c>, comma-separated.</summary>
    public const string GatewayVariable = "RELGRAPH_GATEWAY";

    /// <summary>The cluster id.</summary>
    public const string ClusterIdVariable = "RELGRAPH_CLUSTER_ID";

    /// <summary>The path of the cluster certificate (PKCS#12).</summary>
    public const string CertificateVariable = "RELGRAPH_CERTIFICATE";

    /// <summary>The password of the cluster certificate file, when it has one.</summary>
    public const string CertificatePasswordVariable = "RELGRAPH_CERTIFICATE_PASSWORD";

    /// <summary>This process's environment and working directory.</summary>
    public static RelgraphEnvironment FromProcess() => new(Environment.GetEnvironmentVariable, Environment.CurrentDirectory);

    /// <summary>The variable's value, or null when it is unset or blank.</summary>
    public string? Variable(string name) => GetVariable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
