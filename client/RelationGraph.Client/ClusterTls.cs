using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace RelationGraph.Client;

/// <summary>
/// The TLS settings that silos and clients of a RelationGraph cluster share: mutual authentication with one cluster
/// certificate, pinned by its SHA-256 thumbprint.
/// </summary>
/// <remarks>
/// <para>
/// Every member of the cluster (silo or client) presents the cluster certificate and accepts a peer only if the peer
/// presents that same certificate. Chain and name errors are ignored, because the certificate is pinned, so a self-signed
/// certificate works without being trusted by the machine.
/// </para>
/// <para>Use it with Orleans' <c>UseTls</c> (namespace <c>Orleans.Hosting</c>, package <c>Microsoft.Orleans.Connections.Security</c>):</para>
/// <code>
/// siloBuilder.UseTls(certificate, options =&gt; ClusterTls.Configure(options, certificate));   // silo: inbound, gateway and outbound
/// clientBuilder.UseTls(certificate, options =&gt; ClusterTls.Configure(options, certificate)); // client: connections to gateways
/// </code>
/// <para>
/// The certificate must carry its private key and, if it has an extended key usage extension, both the server
/// authentication (1.3.6.1.5.5.7.3.1) and client authentication (1.3.6.1.5.5.7.3.2) usages.
/// </para>
/// </remarks>
public static class ClusterTls
{
    /// <summary>The object identifier of the server authentication extended key usage.</summary>
    public const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";

    /// <summary>The object identifier of the client authentication extended key usage.</summary>
    public const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>
    /// Loads a PKCS#12 file with its private key. On Linux the key stays in memory (nothing is written to a key store);
    /// Windows and macOS cannot use such keys for TLS, so there it is loaded the default way.
    /// </summary>
    /// <exception cref="ArgumentException">The file cannot be read, is not PKCS#12, has another password or no private key.</exception>
    public static X509Certificate2 LoadCertificate(string path, string? password = null)
    {
        var flags = OperatingSystem.IsLinux() ? X509KeyStorageFlags.EphemeralKeySet : X509KeyStorageFlags.DefaultKeySet;
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, flags);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"Cannot load the cluster certificate '{path}': {exception.Message}", nameof(path), exception);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new ArgumentException($"The cluster certificate '{path}' has no private key; it must be presented to peers.", nameof(path));
        }

        return certificate;
    }

    /// <summary>
    /// Configures <paramref name="options"/> for mutual TLS with <paramref name="certificate"/>: it is presented as the local
    /// certificate in both directions, the remote end must present a certificate, and only a certificate whose SHA-256
    /// thumbprint equals <paramref name="certificate"/>'s is accepted.
    /// </summary>
    /// <param name="options">The Orleans TLS options being configured by <c>UseTls</c>.</param>
    /// <param name="certificate">The cluster certificate, with its private key.</param>
    /// <param name="targetHost">
    /// The host name sent (SNI) when connecting. Defaults to the certificate's first DNS name (<c>localhost</c> for the
    /// development certificate). It is not used to validate the peer: the pin is.
    /// </param>
    /// <exception cref="ArgumentException">The certificate has no private key, or lacks the server or client authentication usage.</exception>
    public static void Configure(TlsOptions options, X509Certificate2 certificate, string? targetHost = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(certificate);
        EnsureUsable(certificate);

        var host = string.IsNullOrEmpty(targetHost) ? certificate.GetNameInfo(X509NameType.DnsName, forIssuer: false) : targetHost;
        options.LocalCertificate = certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        // Outgoing connections must present the certificate; with the default (AllowCertificate) Orleans silently
        // sends none when the certificate lacks the client authentication usage.
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = CreatePinValidator(certificate);
        options.OnAuthenticateAsClient = (_, authentication) => authentication.TargetHost = host;
    }

    /// <summary>
    /// A validator that accepts exactly the certificate whose SHA-256 thumbprint equals <paramref name="pinned"/>'s,
    /// whatever the chain or name errors, and compares in constant time.
    /// </summary>
    /// <param name="pinned">The certificate to pin.</param>
    /// <returns>A validator for <see cref="TlsOptions.RemoteCertificateValidation"/>.</returns>
    public static RemoteCertificateValidator CreatePinValidator(X509Certificate2 pinned)
    {
        ArgumentNullException.ThrowIfNull(pinned);
        var expected = pinned.GetCertHash(HashAlgorithmName.SHA256);
        return (remote, _, errors) =>
            remote is not null
            && (errors & SslPolicyErrors.RemoteCertificateNotAvailable) == 0
            && CryptographicOperations.FixedTimeEquals(remote.GetCertHash(HashAlgorithmName.SHA256), expected);
    }

    private static void EnsureUsable(X509Certificate2 certificate)
    {
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException($"The cluster certificate {certificate.Subject} ({certificate.Thumbprint}) has no private key.", nameof(certificate));
        }

        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().ToList();
        if (usages.Count == 0)
        {
            return;
        }

        foreach (var required in new[] { ServerAuthenticationOid, ClientAuthenticationOid })
        {
            if (!usages.Any(u => u.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == required)))
            {
                throw new ArgumentException(
                    $"The cluster certificate {certificate.Subject} ({certificate.Thumbprint}) lacks the extended key usage {required}: it needs both server and client authentication.",
                    nameof(certificate));
            }
        }
    }
}
