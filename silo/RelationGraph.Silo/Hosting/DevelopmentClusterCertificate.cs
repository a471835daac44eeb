using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RelationGraph.Silo.Hosting;

/// <summary>
/// The development cluster's TLS certificate: a self-signed certificate generated once into <c>cluster.pfx</c> in the
/// data directory and shared by every local silo and client, which pin it (see <c>RelationGraph.Client.ClusterTls</c>).
/// </summary>
/// <remarks>
/// Subject <c>CN=relationgraph-dev-cluster</c>, SAN DNS <c>localhost</c> and IP <c>127.0.0.1</c>, ECDSA P-256, extended key
/// usages server and client authentication (a certificate without the client usage is silently left out of outgoing
/// handshakes), valid for five years. The PKCS#12 file has no password; it is created with mode 0600 on Unix.
/// It is for development clusters only: production clusters bring their own certificate.
/// </remarks>
public static class DevelopmentClusterCertificate
{
    /// <summary>The file name inside the data directory.</summary>
    public const string FileName = "cluster.pfx";

    /// <summary>The certificate's subject.</summary>
    public const string SubjectName = "CN=relationgraph-dev-cluster";

    /// <summary>The DNS name in the certificate's subject alternative names; use it as the TLS target host.</summary>
    public const string DnsName = "localhost";

    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(5 * 365);

    /// <summary>Loads the development cluster certificate (with its private key), creating it on first use.</summary>
    /// <param name="dataDirectory">The development data directory; created if missing.</param>
    /// <returns>The certificate; the caller owns it.</returns>
    public static X509Certificate2 LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(dataDirectory);

            // Written to a private temporary file first, then moved into place without overwriting, so a second silo
            // starting at the same time never reads a half-written file and both end up with the same certificate.
            var temporary = Path.Combine(dataDirectory, $"{FileName}.{Guid.NewGuid():N}.tmp");
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using (var file = new FileStream(temporary, options))
                {
                    file.Write(CreatePkcs12());
                    file.Flush(flushToDisk: true);
                }

                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another silo created it first; use theirs.
            }
            finally
            {
                File.Delete(temporary);
            }
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password: null, KeyStorageFlags);
        }
        catch (CryptographicException exception)
        {
            throw new InvalidOperationException($"The development cluster certificate '{path}' cannot be read. Delete it to have a new one generated.", exception);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"The development cluster certificate '{path}' has no private key. Delete it to have a new one generated.");
        }

        return certificate;
    }

    /// <summary>
    /// On Linux the key lives in memory only (nothing is written to a key store), which SslStream accepts as server and client.
    /// Windows' SChannel cannot use ephemeral keys for TLS and macOS does not support them, so there it is loaded the default way.
    /// </summary>
    private static X509KeyStorageFlags KeyStorageFlags =>
        OperatingSystem.IsLinux() ? X509KeyStorageFlags.EphemeralKeySet : X509KeyStorageFlags.DefaultKeySet;

    private static byte[] CreatePkcs12()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(SubjectName, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [Oid.FromOidValue("1.3.6.1.5.5.7.3.1", OidGroup.EnhancedKeyUsage), Oid.FromOidValue("1.3.6.1.5.5.7.3.2", OidGroup.EnhancedKeyUsage)],
            critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(DnsName);
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));

        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(Lifetime));
        return certificate.Export(X509ContentType.Pkcs12);
    }
}
