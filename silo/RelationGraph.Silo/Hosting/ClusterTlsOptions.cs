namespace RelationGraph.Silo.Hosting;

/// <summary>
/// Transport security between silos and from clients, bound from the <c>RelationGraph</c> section. Every connection
/// is TLS with mutual authentication, and a peer is trusted only when it presents the cluster's own certificate.
/// </summary>
public sealed class ClusterTlsOptions
{
    /// <summary>Whether silo and gateway connections use TLS. Default true; only tests on in-memory or loopback clusters turn it off.</summary>
    public bool UseTls { get; set; } = true;

    /// <summary>
    /// The cluster certificate (PKCS#12) that every silo and client presents and pins. When empty, the development
    /// certificate in <c>RelationGraph:DataDirectory</c> is used, generated on the first start.
    /// </summary>
    public string? ClusterCertificatePath { get; set; }

    /// <summary>The password of <see cref="ClusterCertificatePath"/>, if any.</summary>
    public string? ClusterCertificatePassword { get; set; }
}
