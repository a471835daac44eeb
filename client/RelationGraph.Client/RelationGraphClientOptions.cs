using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace RelationGraph.Client;

/// <summary>How the client finds a RelationGraph cluster and proves it belongs to it.</summary>
/// <remarks>
/// <para>
/// The gateways come from exactly one of <see cref="Gateways"/> (a static list) and <see cref="MembershipConnectionString"/>
/// (Orleans' ADO.NET membership table on the meta database, which lists the live gateways).
/// </para>
/// <para>
/// The cluster's silos accept only TLS connections presenting the cluster certificate, so TLS is on by default and the
/// certificate is required: give it as <see cref="ClusterCertificate"/> or as a PKCS#12 file in
/// <see cref="ClusterCertificatePath"/>. A development cluster generates its certificate into
/// <c>silo/RelationGraph.Silo/.relationgraph/cluster.pfx</c>. Set <see cref="UseTls"/> to false only for silos that run
/// without TLS; the certificate settings are then ignored.
/// </para>
/// </remarks>
public sealed class RelationGraphClientOptions
{
    /// <summary>The cluster id and service id of a development cluster.</summary>
    public const string DevelopmentClusterId = "dev";

    /// <summary>
    /// Gateway endpoints written <c>ip:port</c> (for example <c>127.0.0.1:30000</c>). Any one that answers is enough: the
    /// client learns the others from the cluster. Leave empty when <see cref="MembershipConnectionString"/> is set.
    /// </summary>
    public IList<string> Gateways { get; } = [];

    /// <summary>
    /// Instead of <see cref="Gateways"/>: the connection string of the meta database whose Orleans membership table lists
    /// the cluster's live gateways (ADO.NET clustering, invariant <c>Npgsql</c>). The client rereads it as silos come and go.
    /// </summary>
    public string? MembershipConnectionString { get; set; }

    /// <summary>The cluster's id (Orleans' <c>ClusterOptions.ClusterId</c>); gateways refuse clients of another cluster. Default <c>dev</c>.</summary>
    public string ClusterId { get; set; } = DevelopmentClusterId;

    /// <summary>The service's id (Orleans' <c>ClusterOptions.ServiceId</c>), the same as the silos'. Default <c>dev</c>.</summary>
    public string ServiceId { get; set; } = DevelopmentClusterId;

    /// <summary>
    /// Whether connections to the gateways use TLS with the cluster certificate. Default true, which is what RelationGraph
    /// silos require; turn it off only for silos configured without TLS.
    /// </summary>
    public bool UseTls { get; set; } = true;

    /// <summary>
    /// The cluster certificate, with its private key: the client presents it to the gateways and accepts only gateways
    /// presenting the same certificate (pinned by its SHA-256 thumbprint). The caller keeps ownership. Give this or
    /// <see cref="ClusterCertificatePath"/>, not both.
    /// </summary>
    public X509Certificate2? ClusterCertificate { get; set; }

    /// <summary>
    /// Instead of <see cref="ClusterCertificate"/>: the path of the cluster certificate as a PKCS#12 file (<c>.pfx</c>) with
    /// its private key, for example <c>silo/RelationGraph.Silo/.relationgraph/cluster.pfx</c> for a development cluster.
    /// The client loads it when it connects and disposes of it with itself.
    /// </summary>
    public string? ClusterCertificatePath { get; set; }

    /// <summary>The password of the file at <see cref="ClusterCertificatePath"/>, if it has one (the development certificate has none).</summary>
    public string? ClusterCertificatePassword { get; set; }

    /// <summary>
    /// The host name the client sends when it opens a TLS connection. Default: the certificate's first DNS name
    /// (<c>localhost</c> for the development certificate). The peer is validated by the pinned thumbprint, not by this name.
    /// </summary>
    public string? TlsTargetHost { get; set; }

    /// <summary>How long one attempt of a call may wait for its response (Orleans' <c>ClientMessagingOptions.ResponseTimeout</c>). Default 30 seconds.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long opening a connection to a gateway, TLS handshake included, may take (Orleans' <c>ConnectionOptions.OpenConnectionTimeout</c>). Default 5 seconds.</summary>
    public TimeSpan OpenConnectionTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Attempts per call when no silo could be reached or no response came in time. Every RelationGraph call is idempotent
    /// or read-only, so repeating one cannot double anything. Default 4; 1 turns retries off.
    /// </summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The pause before the second attempt; it doubles before each further one. Default 200 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Whether the gateways come from the membership table rather than <see cref="Gateways"/>.</summary>
    internal bool UsesMembershipTable => !string.IsNullOrWhiteSpace(MembershipConnectionString);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting and how to fix it.</summary>
    /// <exception cref="ArgumentException">A setting is missing or invalid.</exception>
    public void Validate()
    {
        if (Gateways.Count == 0 && !UsesMembershipTable)
        {
            throw new ArgumentException(
                "Give at least one gateway (Gateways, written ip:port, for example 127.0.0.1:30000) or the membership connection string (MembershipConnectionString).",
                nameof(Gateways));
        }

        if (Gateways.Count > 0 && UsesMembershipTable)
        {
            throw new ArgumentException("Give the gateways (Gateways) or the membership connection string (MembershipConnectionString), not both.", nameof(Gateways));
        }

        foreach (var gateway in Gateways)
        {
            _ = GatewayEndPoint.Parse(gateway);
        }

        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            throw new ArgumentException("The cluster id (ClusterId) is required; a development cluster's is 'dev'.", nameof(ClusterId));
        }

        if (string.IsNullOrWhiteSpace(ServiceId))
        {
            throw new ArgumentException("The service id (ServiceId) is required; a development cluster's is 'dev'.", nameof(ServiceId));
        }

        if (UseTls)
        {
            ValidateCertificate();
        }

        if (MaxAttempts < 1)
        {
            throw new ArgumentException(Invariant($"MaxAttempts must be at least 1, not {MaxAttempts}."), nameof(MaxAttempts));
        }

        if (ResponseTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException(Invariant($"ResponseTimeout must be positive, not {ResponseTimeout}."), nameof(ResponseTimeout));
        }

        if (OpenConnectionTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException(Invariant($"OpenConnectionTimeout must be positive, not {OpenConnectionTimeout}."), nameof(OpenConnectionTimeout));
        }

        if (RetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentException(Invariant($"RetryDelay must not be negative, not {RetryDelay}."), nameof(RetryDelay));
        }
    }

    /// <summary>A copy, so that a connected client does not change when the caller reuses the options.</summary>
    internal RelationGraphClientOptions Clone()
    {
        var copy = new RelationGraphClientOptions
        {
            MembershipConnectionString = MembershipConnectionString,
            ClusterId = ClusterId,
            ServiceId = ServiceId,
            UseTls = UseTls,
            ClusterCertificate = ClusterCertificate,
            ClusterCertificatePath = ClusterCertificatePath,
            ClusterCertificatePassword = ClusterCertificatePassword,
            TlsTargetHost = TlsTargetHost,
            ResponseTimeout = ResponseTimeout,
            OpenConnectionTimeout = OpenConnectionTimeout,
            MaxAttempts = MaxAttempts,
            RetryDelay = RetryDelay,
        };
        foreach (var gateway in Gateways)
        {
            copy.Gateways.Add(gateway);
        }

        return copy;
    }

    private void ValidateCertificate()
    {
        var hasPath = !string.IsNullOrWhiteSpace(ClusterCertificatePath);
        if (ClusterCertificate is null && !hasPath)
        {
            throw new ArgumentException(
                "The cluster certificate is required: set ClusterCertificate or ClusterCertificatePath (a development cluster's is "
                + "silo/RelationGraph.Silo/.relationgraph/cluster.pfx), or set UseTls to false for silos that run without TLS.",
                nameof(ClusterCertificate));
        }

        if (ClusterCertificate is not null && hasPath)
        {
            throw new ArgumentException("Give the cluster certificate (ClusterCertificate) or its file (ClusterCertificatePath), not both.", nameof(ClusterCertificatePath));
        }

        if (ClusterCertificate is { HasPrivateKey: false } certificate)
        {
            throw new ArgumentException(
                $"The cluster certificate {certificate.Subject} ({certificate.Thumbprint}) has no private key; the client must present it.",
                nameof(ClusterCertificate));
        }

        if (hasPath && !File.Exists(ClusterCertificatePath))
        {
            throw new ArgumentException($"The cluster certificate file '{ClusterCertificatePath}' does not exist.", nameof(ClusterCertificatePath));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
