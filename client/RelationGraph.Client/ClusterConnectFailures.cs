using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace RelationGraph.Client;

/// <summary>
/// What went wrong in the TLS handshakes of one client. Orleans' TLS middleware only logs a failed handshake and closes
/// the connection, so the error a caller would see is a bare "Connection initialization failed"; this keeps the reason
/// for <see cref="ConnectRetryFilter"/> to report as an <see cref="AuthenticationException"/>.
/// </summary>
internal sealed class TlsHandshakeFailures
{
    private string? _verdict;
    private string? _last;

    /// <summary>Wraps <paramref name="tls"/>'s certificate validation and handshake to record failures here.</summary>
    public void Observe(ClientConnectionOptions connection, TlsOptions tls, X509Certificate2 expected)
    {
        var validate = tls.RemoteCertificateValidation;
        tls.RemoteCertificateValidation = (certificate, chain, errors) =>
        {
            var accepted = validate is null ? errors == SslPolicyErrors.None : validate(certificate, chain, errors);
            if (!accepted)
            {
                Volatile.Write(ref _verdict, $"presented the certificate {Describe(certificate)}, not the cluster certificate {Describe(expected)}");
            }

            return accepted;
        };

        // Outside the TLS middleware: notes whether the handshake let the connection through to the inner middleware.
        connection.ConfigureConnection(builder => builder.Use(next => async context =>
        {
            var probe = new HandshakeProbe();
            context.Features.Set(probe);
            await next(context);
            if (!probe.Passed)
            {
                // Without a verdict of the validator here, the gateway refused our certificate, does not use TLS, or timed out.
                var reason = Interlocked.Exchange(ref _verdict, null)
                    ?? "did not complete it (it may not accept this cluster certificate, or may not use TLS)";
                Volatile.Write(ref _last, $"gateway {context.RemoteEndPoint?.ToString() ?? "?"} {reason}");
            }
        }));
        connection.ConfigureConnection(builder => builder.UseClientTls(tls));
        connection.ConfigureConnection(builder => builder.Use(next => context =>
        {
            if (context.Features.Get<HandshakeProbe>() is { } probe)
            {
                probe.Passed = true;
            }

            return next(context);
        }));
    }

    /// <summary>The last failure since the previous call, or null.</summary>
    public string? Take() => Interlocked.Exchange(ref _last, null);

    private static string Describe(X509Certificate2 certificate) =>
        $"{certificate.Subject} (SHA-256 {certificate.GetCertHashString(HashAlgorithmName.SHA256)})";

    private sealed class HandshakeProbe
    {
        public bool Passed { get; set; }
    }
}

/// <summary>
/// Decides whether the Orleans client tries connecting again when it starts (Orleans' default keeps trying for about
/// three minutes): up to <see cref="RelationGraphClientOptions.MaxAttempts"/> attempts with the same doubling pause as
/// calls, and never after a failed TLS handshake, which is reported as an <see cref="AuthenticationException"/>.
/// </summary>
internal sealed class ConnectRetryFilter(IOptions<RelationGraphClientOptions> options, TlsHandshakeFailures handshakes) : IClientConnectionRetryFilter
{
    private int _attempts = 1;
    private TimeSpan _delay = options.Value.RetryDelay;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        // A connection attempt that ran out of time on a slow machine says nothing about the certificate: try again.
        if (handshakes.Take() is { } failure && !TimedOut(exception))
        {
            throw new AuthenticationException($"The TLS handshake with the cluster failed: {failure}. The client and the silos must use the same cluster certificate.", exception);
        }

        if (!RelationGraphOrleansClient.IsTransient(exception) || ++_attempts > options.Value.MaxAttempts || cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        await Task.Delay(_delay, cancellationToken);
        _delay = RelationGraphClient.NextDelay(_delay);
        return true;
    }

    // Orleans reports an open-connection timeout only in the message of its ConnectionFailedException.
    private static bool TimedOut(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is TimeoutException || exception.Message.Contains("timed out", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
