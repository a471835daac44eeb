namespace RelationGraph.Benchmarks;

/// <summary>Runs the service and its baseline in alternating rounds, so load that drifts on a shared machine hits both sides alike.</summary>
internal static class Interleaved
{
    /// <summary>
    /// <paramref name="rounds"/> rounds of each side; the side going first alternates (service, baseline, baseline,
    /// service, ...), so neither always runs right after the other's leftovers.
    /// </summary>
    public static async Task RunAsync(int rounds, Func<int, Task> service, Func<int, Task> baseline)
    {
        for (var round = 0; round < rounds; round++)
        {
            if (round % 2 == 0)
            {
                await service(round);
                await baseline(round);
            }
            else
            {
                await baseline(round);
                await service(round);
            }
        }
    }
}
