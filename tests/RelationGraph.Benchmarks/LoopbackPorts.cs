using System.Net;
using System.Net.Sockets;

namespace RelationGraph.Benchmarks;

/// <summary>Free TCP ports on 127.0.0.1, for silos, which must know their ports before they listen.</summary>
internal static class LoopbackPorts
{
    /// <summary><paramref name="count"/> distinct ports free right now; a race with another process for them is unlikely enough here.</summary>
    public static int[] Take(int count)
    {
        // All are held at once so they differ.
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Dispose();
            }
        }
    }
}
