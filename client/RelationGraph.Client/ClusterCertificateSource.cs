using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace RelationGraph.Client;

/// <summary>
/// The cluster certificate of one client: <see cref="RelationGraphClientOptions.ClusterCertificate"/> as given (the caller
/// owns it), or loaded once from <see cref="RelationGraphClientOptions.ClusterCertificatePath"/> (owned here, disposed with
/// the client's service provider).
/// </summary>
internal sealed class ClusterCertificateSource(IOptions<RelationGraphClientOptions> options) : IDisposable
{
    private readonly Lock _lock = new();
    private X509Certificate2? _loaded;
    private bool _disposed;

    /// <summary>The certificate; throws <see cref="ArgumentException"/> when it is missing or its file cannot be read.</summary>
    public X509Certificate2 Certificate
    {
        get
        {
            var settings = options.Value;
            if (settings.ClusterCertificate is { } given)
            {
                return given;
            }

            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _loaded ??= ClusterTls.LoadCertificate(
                    settings.ClusterCertificatePath ?? throw new ArgumentException("The cluster certificate is required.", nameof(RelationGraphClientOptions.ClusterCertificate)),
                    settings.ClusterCertificatePassword);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _loaded?.Dispose();
            _loaded = null;
        }
    }
}
