using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;

namespace RelationGraph.Actors.Messaging;

/// <summary>
/// The first exchange on every connection. The listening side sends a magic number and a random challenge; the
/// connecting side answers with its role, its cluster id and HMAC-SHA256(secret, challenge | role | cluster id);
/// the listening side answers 1 (accepted) or 0 and a reason, then closes. The secret never crosses the wire.
/// </summary>
internal static class Handshake
{
    private static readonly byte[] Magic = "RGC1"u8.ToArray();
    private const int ChallengeLength = 16;
    private const int ProofLength = 32;

    public static async Task<ConnectionRole> AcceptAsync(IDuplexPipe transport, string clusterId, string secret, CancellationToken cancellationToken)
    {
        var challenge = RandomNumberGenerator.GetBytes(ChallengeLength);
        await transport.Output.WriteAsync(Magic.Concat(challenge).ToArray(), cancellationToken);
        var hello = await ReadLengthPrefixedAsync(transport.Input, cancellationToken);
        var role = (ConnectionRole)hello[0];
        var peerClusterId = Encoding.UTF8.GetString(hello.AsSpan(1, hello.Length - 1 - ProofLength));
        var proof = hello.AsSpan(hello.Length - ProofLength);
        string? refusal = null;
        if (peerClusterId != clusterId)
        {
            refusal = $"cluster id '{peerClusterId}' is not this cluster's";
        }
        else if (!CryptographicOperations.FixedTimeEquals(proof, Prove(secret, challenge, role, clusterId)))
        {
            refusal = "wrong cluster secret";
        }

        if (refusal is null)
        {
            await transport.Output.WriteAsync(new byte[] { 1 }, cancellationToken);
            return role;
        }

        await transport.Output.WriteAsync((byte[])[0, .. Prefixed(Encoding.UTF8.GetBytes(refusal))], cancellationToken);
        throw new UnauthorizedAccessException($"Refused a connection: {refusal}.");
    }

    public static async Task ConnectAsync(IDuplexPipe transport, ConnectionRole role, string clusterId, string secret, CancellationToken cancellationToken)
    {
        var greeting = await ReadExactlyAsync(transport.Input, Magic.Length + ChallengeLength, cancellationToken);
        if (!greeting.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new InvalidDataException("The peer is not a RelationGraph silo.");
        }

        var challenge = greeting[Magic.Length..];
        await transport.Output.WriteAsync(Prefixed([(byte)role, .. Encoding.UTF8.GetBytes(clusterId), .. Prove(secret, challenge, role, clusterId)]), cancellationToken);
        var verdict = await ReadExactlyAsync(transport.Input, 1, cancellationToken);
        if (verdict[0] != 1)
        {
            var reason = await ReadLengthPrefixedAsync(transport.Input, cancellationToken);
            throw new UnauthorizedAccessException($"The silo refused the connection: {Encoding.UTF8.GetString(reason)}.");
        }
    }

    private static byte[] Prove(string secret, byte[] challenge, ConnectionRole role, string clusterId) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), (byte[])[.. challenge, (byte)role, .. Encoding.UTF8.GetBytes(clusterId)]);

    private static byte[] Prefixed(byte[] payload) => [.. BitConverter.GetBytes((ushort)payload.Length), .. payload];

    private static async Task<byte[]> ReadLengthPrefixedAsync(PipeReader input, CancellationToken cancellationToken)
    {
        var length = BitConverter.ToUInt16(await ReadExactlyAsync(input, 2, cancellationToken));
        return length is 0 or > 4096 ? throw new InvalidDataException("Malformed handshake.") : await ReadExactlyAsync(input, length, cancellationToken);
    }

    private static async Task<byte[]> ReadExactlyAsync(PipeReader input, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            if (result.Buffer.Length >= count)
            {
                var bytes = result.Buffer.Slice(0, count).ToArray();
                input.AdvanceTo(result.Buffer.GetPosition(count));
                return bytes;
            }

            if (result.IsCompleted)
            {
                throw new EndOfStreamException("The connection closed during the handshake.");
            }

            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
